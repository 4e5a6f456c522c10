package org.dunwatch.robo

import android.app.job.IJobCallback
import android.app.job.IJobService
import android.content.Intent
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobWorkItem
import android.content.Context
import android.os.IBinder
import android.provider.CallLog
import org.dunwatch.app.CallLogJobService
import org.junit.Assert.assertTrue
import org.robolectric.Robolectric
import java.util.concurrent.TimeUnit

/**
 * Runs the call-log job as JobScheduler would: binds the service and starts the job over its
 * binder. (Robolectric's scheduler keeps jobs but never runs them.)
 */
object JobRunner {
    private const val JOB_ID = 0xD0A1

    /** What JobScheduler hands the job; Robolectric's JobService shadow answers jobFinished itself. */
    class Callback : IJobCallback.Stub() {
        override fun acknowledgeStartMessage(jobId: Int, ongoing: Boolean) = Unit
        override fun acknowledgeStopMessage(jobId: Int, reschedule: Boolean) = Unit
        override fun completeWork(jobId: Int, workId: Int): Boolean = true
        override fun dequeueWork(jobId: Int): JobWorkItem? = null
        override fun jobFinished(jobId: Int, reschedule: Boolean) = Unit
    }

    fun run(context: Context) {
        val callback = Callback()
        val ctor = JobParameters::class.java.declaredConstructors.first { it.parameterTypes.firstOrNull() == IBinder::class.java }
        var firstInt = true
        val args = ctor.parameterTypes.map { t ->
            when (t) {
                IBinder::class.java -> callback
                Int::class.javaPrimitiveType -> if (firstInt) JOB_ID.also { firstInt = false } else 0
                Long::class.javaPrimitiveType -> 0L
                Boolean::class.javaPrimitiveType -> false
                else -> null
            }
        }
        ctor.isAccessible = true
        val params = ctor.newInstance(*args.toTypedArray()) as JobParameters
        // As JobScheduler does: bind, then startJob over the service's binder.
        val service = Robolectric.buildService(CallLogJobService::class.java).create().get()
        IJobService.Stub.asInterface(service.onBind(Intent())).startJob(params)
        org.robolectric.Shadows.shadowOf(android.os.Looper.getMainLooper()).idle()
        org.dunwatch.app.Stores.background.submit {}.get(60, TimeUnit.SECONDS)
        org.robolectric.Shadows.shadowOf(android.os.Looper.getMainLooper()).idle()
        // Robolectric's JobService shadow takes jobFinished (it never reaches the callback).
        val shadow = org.robolectric.Shadows.shadowOf(service)
        assertTrue("jobFinished was called", shadow.getIsJobFinished())
        assertTrue("a successful sync asks for no retry", !shadow.getIsRescheduleNeeded())
    }

    /** The content-trigger job on the call log is armed. */
    fun pending(context: Context): Boolean {
        val job = context.getSystemService(JobScheduler::class.java).getPendingJob(JOB_ID) ?: return false
        return job.triggerContentUris?.any { it.uri == CallLog.Calls.CONTENT_URI } == true
    }
}
