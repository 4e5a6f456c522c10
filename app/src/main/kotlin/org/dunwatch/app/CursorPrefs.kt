package org.dunwatch.app

import android.content.Context
import org.dunwatch.app.logic.SyncCursor

/** A sync cursor kept in private preferences, one preferences file per source (call log, SMS). */
internal class CursorPrefs(context: Context, name: String) {
    private val prefs = context.getSharedPreferences(name, Context.MODE_PRIVATE)

    fun load(): SyncCursor = SyncCursor(prefs.getLong(LAST_ID, 0), prefs.getLong(LAST_SYNC, 0))

    fun save(cursor: SyncCursor) {
        prefs.edit().putLong(LAST_ID, cursor.lastId).putLong(LAST_SYNC, cursor.lastSyncMs).apply()
    }

    private companion object {
        const val LAST_ID = "last_id"
        const val LAST_SYNC = "last_sync_ms"
    }
}
