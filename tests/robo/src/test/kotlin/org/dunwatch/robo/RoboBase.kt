package org.dunwatch.robo

import android.app.Application
import android.content.pm.PackageManager
import android.os.Looper
import org.dunwatch.app.Stores
import org.dunwatch.app.CallLogSync
import org.dunwatch.app.SmsHistorySync
import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.dunwatch.core.DunwatchStore
import org.junit.After
import org.junit.Before
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.time.OffsetDateTime
import java.util.TimeZone
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
        TimeZone.setDefault(savedZone)
        Stores.clock = System::currentTimeMillis
    }

    private val savedZone = TimeZone.getDefault()

    /**
     * The example export (tests/fixtures/backup) as a borrower's phone in Shanghai holds it on
     * 2025-03-28 23:00, through the app's own history import, with the collectors' numbers tagged
     * as the user tags them (tests/fixtures/backup/README.md). Returns the SMS and the calls
     * recorded. [tearDown] restores the zone and the clock.
     */
    fun loadExampleStore(): Pair<Int, Int> {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Shanghai"))
        Stores.clock = { OffsetDateTime.parse("2025-03-28T23:00:00+08:00").toInstant().toEpochMilli() }
        shadowOf(app).grantPermissions(android.Manifest.permission.READ_SMS, android.Manifest.permission.READ_CALL_LOG)
        store.changeSettings(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"))
        Providers.install()
        Providers.loadExampleExport()
        val sms = SmsHistorySync.run(app)!!.recorded
        val calls = CallLogSync.run(app)!!.recorded
        for (n in listOf("17012345678", "17198765432", "+8616533334444", "10690000123", "4008881234")) store.tagNumber(n, "速借金融")
        for (n in listOf("16677778888", "13344445555")) store.tagNumber(n, "花花分期")
        return sms to calls
    }

    val store: DunwatchStore get() = Stores.get(app)
}
