package org.dunwatch.app

import android.content.Context
import android.telephony.TelephonyManager
import android.util.Log
import org.dunwatch.app.logic.FirstRun
import org.dunwatch.app.logic.SmsDedup
import org.dunwatch.core.DunwatchStore
import java.io.File
import java.time.ZoneId
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * The process's one evidence store (the bridge is thread-safe; opening it once keeps a single
 * SQLite connection set and a single rules state), plus the background thread every component
 * uses for store work (never the main thread: a write waits for fsync).
 */
object Stores {
    private const val FILE = "evidence.sqlite"
    private const val MODEL_ASSET = "collection.dwm"
    private const val TAG = "dunwatch"

    @Volatile private var store: DunwatchStore? = null

    /** One writer thread: SMS, calls and UI requests are recorded in arrival order. */
    val background: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "dunwatch-store") }

    /**
     * Call screening's own thread: the system waits for its answer, which must not queue behind
     * a long call-log sync on [background].
     */
    val screening: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "dunwatch-screening") }

    /** Now, for the screens (tests pin it to the example data's days). */
    @Volatile var clock: () -> Long = System::currentTimeMillis

    /** Remembers recent SMS across broadcasts of this process. */
    val smsDedup = SmsDedup()

    /**
     * The store in the app's no-backup directory (evidence is not copied to cloud backups). A new
     * store starts with settings guessed from the phone ([FirstRun]); an existing one keeps its own.
     */
    fun get(context: Context): DunwatchStore = store ?: synchronized(this) {
        store ?: run {
            val app = context.applicationContext
            val file = File(app.noBackupFilesDir, FILE)
            val first = if (file.exists()) null else FirstRun.settings(country(app), ZoneId.systemDefault())
            val model = model(app)
            val opened = if (model == null) DunwatchStore.open(file.path, first) else DunwatchStore.open(file.path, first, model)
            opened.also { store = it }
        }
    }

    /**
     * The classifier's weights: the asset `collection.dwm` (the build copies core/data/model
     * into the assets; the native library carries no weights of its own). Without it the store
     * reads messages with the term list alone, which the log says; a damaged file throws.
     */
    private fun model(context: Context): ByteArray? = try {
        context.assets.open(MODEL_ASSET).use { it.readBytes() }
    } catch (e: java.io.IOException) {
        Log.w(TAG, "no $MODEL_ASSET asset: messages are read by the term list alone", e)
        null
    }

    /** The SIM's country, else the locale's. */
    private fun country(context: Context): String? {
        val sim = context.getSystemService(TelephonyManager::class.java)?.simCountryIso
        return if (sim.isNullOrBlank()) context.resources.configuration.locales[0]?.country else sim
    }
}
