package org.dunwatch.app

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import org.dunwatch.R
import android.util.Log
import org.dunwatch.app.logic.Languages
import org.dunwatch.app.logic.ViolationAlert
import org.dunwatch.app.logic.ViolationAlerts
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.FlagQuery
import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.Screening
import java.time.ZoneId

/**
 * The app's two notification channels: rule violations (one notification per collector per day,
 * updated as the day goes on) and screened calls. A tap opens the collector's case.
 */
object Notifications {
    const val VIOLATIONS = "violations"
    const val SCREENED = "screened"
    const val EXTRA_CASE = "org.dunwatch.extra.CASE_ID"

    fun channels(context: Context) {
        val nm = context.getSystemService(NotificationManager::class.java) ?: return
        nm.createNotificationChannel(
            NotificationChannel(VIOLATIONS, context.getString(R.string.channel_violations), NotificationManager.IMPORTANCE_DEFAULT)
                .apply { description = context.getString(R.string.channel_violations_about) },
        )
        nm.createNotificationChannel(
            NotificationChannel(SCREENED, context.getString(R.string.channel_screened), NotificationManager.IMPORTANCE_LOW)
                .apply { description = context.getString(R.string.channel_screened_about) },
        )
    }

    /**
     * Posts (or updates) the day's violation notification of each collector that the events
     * [eventIds] (an SMS just received, calls just synced from the call log) broke a rule for.
     * Errors only cost the notification, never the evidence.
     */
    fun violationsFor(app: Context, store: DunwatchStore, eventIds: List<Long>, atMs: Long) {
        if (eventIds.isEmpty()) return
        try {
            val keys = eventIds.flatMap { store.flags(FlagQuery(eventId = it)) }.map(ViolationAlerts::keyOf).toSet()
            val zone = ZoneId.systemDefault()
            val dayStart = java.time.Instant.ofEpochMilli(atMs).atZone(zone).toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli()
            val day = store.flags(FlagQuery(fromMs = dayStart, limit = 1000))
            val texts = store.ruleTexts(Languages.ruleTexts(app.resources.configuration.locales[0]))
            ViolationAlerts.group(day).filter { it.key in keys }.forEach { alert ->
                violation(app, alert, alert.rules.map { texts[it]?.description ?: it })
            }
        } catch (e: Exception) {
            Log.e("dunwatch", "could not post a violation notification", e)
        }
    }

    /** Posts or updates the day's notification for [alert]'s collector, naming its rules by [described]. */
    fun violation(context: Context, alert: ViolationAlert, described: List<String> = alert.rules) {
        channels(context)
        val nm = context.getSystemService(NotificationManager::class.java) ?: return
        val text = context.getString(R.string.notify_violations_text, alert.count, described.joinToString("; "))
        val n = Notification.Builder(context, VIOLATIONS)
            .setSmallIcon(R.drawable.ic_notify)
            .setContentTitle(context.getString(R.string.notify_violations_title, alert.who))
            .setContentText(text)
            .setStyle(Notification.BigTextStyle().bigText(text))
            .setCategory(Notification.CATEGORY_EVENT)
            .setContentIntent(openCase(context, alert.caseId, alert.key.hashCode()))
            .setAutoCancel(true)
            .setOnlyAlertOnce(false)
            .build()
        nm.notify(alert.key, ID_VIOLATIONS, n)
    }

    /** Tells the user a collector's call was silenced or rejected (allowed calls ring anyway). */
    fun screened(context: Context, screening: Screening, caseId: Long?) {
        if (screening.decision != ScreenDecision.REJECT && screening.decision != ScreenDecision.SILENCE) return
        channels(context)
        val nm = context.getSystemService(NotificationManager::class.java) ?: return
        val title = context.getString(
            if (screening.decision == ScreenDecision.REJECT) R.string.notify_rejected else R.string.notify_silenced,
            screening.caseName ?: screening.number,
        )
        val n = Notification.Builder(context, SCREENED)
            .setSmallIcon(R.drawable.ic_notify)
            .setContentTitle(title)
            .setContentText(screening.number)
            .setCategory(Notification.CATEGORY_CALL)
            .setGroup(SCREENED)
            .setContentIntent(openCase(context, caseId, screening.number.hashCode()))
            .setAutoCancel(true)
            .build()
        nm.notify(screening.number, ID_SCREENED, n)
    }

    private fun openCase(context: Context, caseId: Long?, request: Int): PendingIntent {
        val intent = Intent(context, MainActivity::class.java)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        if (caseId != null) intent.putExtra(EXTRA_CASE, caseId)
        return PendingIntent.getActivity(context, request, intent, PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT)
    }

    private const val ID_VIOLATIONS = 1
    private const val ID_SCREENED = 2
}
