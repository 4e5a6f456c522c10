package org.dunwatch.app

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.provider.Telephony
import org.dunwatch.app.logic.SmsHistoryImporter
import org.dunwatch.app.logic.SmsRow
import org.dunwatch.app.logic.SyncResult
import java.time.ZoneId

/**
 * Imports the SMS already on the phone (`Telephony.Sms`, inbox and sent) added since the last
 * import, through [SmsHistoryImporter]; keeps the cursor in private preferences. Background only.
 */
object SmsHistorySync {
    private const val PREFS = "sms_history"

    /** Null when the user has not granted READ_SMS. */
    fun run(context: Context): SyncResult? {
        if (context.checkSelfPermission(Manifest.permission.READ_SMS) != PackageManager.PERMISSION_GRANTED) return null
        val prefs = CursorPrefs(context, PREFS)
        val cursor = prefs.load()
        val rows = query(context, cursor.lastId)
        val result = SmsHistoryImporter(Stores.get(context), ZoneId.systemDefault()).import(rows, cursor, System.currentTimeMillis())
        prefs.save(result.cursor)
        result.error?.let { throw it }
        return result
    }

    private fun query(context: Context, afterId: Long): List<SmsRow> {
        val columns = arrayOf(
            Telephony.Sms._ID, Telephony.Sms.ADDRESS, Telephony.Sms.BODY, Telephony.Sms.TYPE,
            Telephony.Sms.DATE, Telephony.Sms.DATE_SENT,
        )
        val rows = mutableListOf<SmsRow>()
        context.contentResolver.query(
            Telephony.Sms.CONTENT_URI, columns, "${Telephony.Sms._ID} > ?", arrayOf(afterId.toString()), "${Telephony.Sms._ID} ASC",
        )?.use { c ->
            while (c.moveToNext()) {
                rows += SmsRow(
                    id = c.getLong(0),
                    address = c.getString(1).orEmpty(),
                    body = c.getString(2).orEmpty(),
                    type = c.getInt(3),
                    dateMs = c.getLong(4),
                    dateSentMs = c.getLong(5),
                )
            }
        }
        return rows
    }
}
