package org.dunwatch.app

import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobService
import android.content.ComponentName
import android.content.Context
import android.provider.CallLog
import android.util.Log

/**
 * Syncs the call log when it changes: a content-trigger job on `CallLog.Calls`. Such a job fires
 * once, so it schedules itself again after every run.
 */
class CallLogJobService : JobService() {
    override fun onStartJob(params: JobParameters): Boolean {
        val app = applicationContext
        Stores.background.execute {
            var retry = false
            try {
                CallLogSync.run(app)
            } catch (e: Exception) {
                Log.e("dunwatch", "call-log sync failed", e)
                retry = true
            } finally {
                jobFinished(params, retry)
                schedule(app)
            }
        }
        return true
    }

    override fun onStopJob(params: JobParameters): Boolean = true

    companion object {
        private const val JOB_ID = 0xD0A1

        /** (Re)arms the job; harmless when it is already pending. */
        fun schedule(context: Context) {
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            if (scheduler.getPendingJob(JOB_ID) != null) return
            val job = JobInfo.Builder(JOB_ID, ComponentName(context, CallLogJobService::class.java))
                .addTriggerContentUri(JobInfo.TriggerContentUri(CallLog.Calls.CONTENT_URI, JobInfo.TriggerContentUri.FLAG_NOTIFY_FOR_DESCENDANTS))
                .setTriggerContentUpdateDelay(2_000)
                .setTriggerContentMaxDelay(60_000)
                .build()
            scheduler.schedule(job)
        }
    }
}
