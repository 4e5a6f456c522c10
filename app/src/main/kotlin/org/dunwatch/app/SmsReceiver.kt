package org.dunwatch.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.provider.Telephony
import android.util.Log
import org.dunwatch.app.logic.SmsIntake
import org.dunwatch.app.logic.SmsPart
import java.time.ZoneId

/** Records every incoming SMS as evidence (the logic is [SmsIntake]). */
class SmsReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != Telephony.Sms.Intents.SMS_RECEIVED_ACTION) return
        val receivedMs = System.currentTimeMillis()
        val parts = Telephony.Sms.Intents.getMessagesFromIntent(intent).orEmpty().filterNotNull().map {
            SmsPart(it.originatingAddress, it.messageBody, it.timestampMillis)
        }
        if (parts.isEmpty()) return
        val app = context.applicationContext
        val pending = goAsync()
        Stores.background.execute {
            try {
                val store = Stores.get(app)
                val outcomes = SmsIntake(store, Stores.smsDedup, ZoneId.systemDefault()).record(parts, receivedMs)
                val flagged = outcomes.mapNotNull { it.recorded }.filter { it.newFlags > 0 }
                if (flagged.isNotEmpty()) {
                    Log.i(TAG, "SMS recorded, ${flagged.sumOf { it.newFlags }} new rule violations")
                    Notifications.violationsFor(app, store, flagged.map { it.id }, receivedMs)
                }
                // Content-trigger jobs do not survive a reboot: re-arm the call-log job whenever
                // the app wakes up.
                CallLogJobService.schedule(app)
            } catch (e: Exception) {
                Log.e(TAG, "could not record an SMS", e)
            } finally {
                pending.finish()
            }
        }
    }

    private companion object {
        const val TAG = "dunwatch"
    }
}
