package org.dunwatch.robo

import android.app.Application
import android.content.pm.PackageManager
import android.os.Looper
import org.dunwatch.app.Stores
import org.dunwatch.core.DunwatchStore
import org.junit.After
import org.junit.Before
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.util.concurrent.TimeUnit

/**
 * Every test class runs in one sandbox per JVM (the JNI library can belong to one class loader
 * only): same SDK, graphics and looper modes everywhere. Classes are configured for SDKs 29 and
 * 36 ([RoboBase]); each surefire execution enables one (`robolectric.enabledSdks`), in its own JVM.
 */
class DunwatchRunner(klass: Class<*>) : RobolectricTestRunner(klass)

/** Settling and per-test reset of the process-wide store (pitfalls 6 and 7 in docs/APP.md). */
@Config(sdk = [29, 36], qualifiers = "w411dp-h891dp-xhdpi")
abstract class RoboBase {
    protected val app: Application get() = RuntimeEnvironment.getApplication()

    @Before
    fun phone() {
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY, true)
    }

    /** Lets the app's executors and the main looper run until nothing is left. */
    fun settle() = repeat(4) {
        for (e in listOf(Stores.background, Stores.screening)) e.submit {}.get(60, TimeUnit.SECONDS)
        shadowOf(Looper.getMainLooper()).idle()
    }

    /** Forgets the open store, as a new process would. */
    fun killProcessStore() {
        settle()
        val f = Stores::class.java.getDeclaredField("store").apply { isAccessible = true }
        (f.get(Stores) as DunwatchStore?)?.close()
        f.set(Stores, null)
    }

    @After
    fun tearDown() {
        killProcessStore()
    }

    val store: DunwatchStore get() = Stores.get(app)
}
