package org.dunwatch.app

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.provider.CallLog
import org.dunwatch.app.logic.CallLogRow
import org.dunwatch.app.logic.CallLogSyncer
import org.dunwatch.app.logic.SyncResult
import java.time.ZoneId

/**
 * Reads `CallLog.Calls` rows added since the last sync and hands them to [CallLogSyncer]; keeps
 * the cursor in private preferences; posts the violation notifications of the calls it recorded.
 * Runs on a background thread.
 */
object CallLogSync {
    private const val PREFS = "call_log_sync"

    /** Null when the user has not granted READ_CALL_LOG. */
    fun run(context: Context): SyncResult? {
        if (context.checkSelfPermission(Manifest.permission.READ_CALL_LOG) != PackageManager.PERMISSION_GRANTED) return null
        val prefs = CursorPrefs(context, PREFS)
        val cursor = prefs.load()
        val rows = query(context, cursor.lastId)
        val store = Stores.get(context)
        val now = System.currentTimeMillis()
        val result = CallLogSyncer(store, ZoneId.systemDefault()).sync(rows, cursor, now)
        prefs.save(result.cursor)
        // Calls that broke a rule notify as SMS do: one notification per collector per day.
        Notifications.violationsFor(context.applicationContext, store, result.flagged, now)
        result.error?.let { throw it }
        return result
    }

    private fun query(context: Context, afterId: Long): List<CallLogRow> {
        val columns = arrayOf(CallLog.Calls._ID, CallLog.Calls.NUMBER, CallLog.Calls.TYPE, CallLog.Calls.DATE, CallLog.Calls.DURATION)
        val rows = mutableListOf<CallLogRow>()
        context.contentResolver.query(
            CallLog.Calls.CONTENT_URI, columns, "${CallLog.Calls._ID} > ?", arrayOf(afterId.toString()), "${CallLog.Calls._ID} ASC",
        )?.use { c ->
            while (c.moveToNext()) {
                rows += CallLogRow(
                    id = c.getLong(0),
                    number = c.getString(1).orEmpty(),
                    type = c.getInt(2),
                    dateMs = c.getLong(3),
                    durationSecs = c.getLong(4),
                )
            }
        }
        return rows
    }
}
