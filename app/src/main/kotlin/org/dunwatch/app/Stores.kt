package org.dunwatch.app

import android.content.Context
import org.dunwatch.app.logic.SmsDedup
import org.dunwatch.core.DunwatchStore
import java.io.File
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * The process's one evidence store (the bridge is thread-safe; opening it once keeps a single
 * SQLite connection set and a single rules state), plus the background thread every component
 * uses for store work (never the main thread: a write waits for fsync).
 */
object Stores {
    private const val FILE = "evidence.sqlite"

    @Volatile private var store: DunwatchStore? = null

    /** One writer thread: SMS, calls and UI requests are recorded in arrival order. */
    val background: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "dunwatch-store") }

    /**
     * Call screening's own thread: the system waits for its answer, which must not queue behind
     * a long call-log sync on [background].
     */
    val screening: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "dunwatch-screening") }

    /** Remembers recent SMS across broadcasts of this process. */
    val smsDedup = SmsDedup()

    /** The store in the app's no-backup directory (evidence is not copied to cloud backups). */
    fun get(context: Context): DunwatchStore = store ?: synchronized(this) {
        store ?: DunwatchStore.open(File(context.applicationContext.noBackupFilesDir, FILE).path).also { store = it }
    }
}
