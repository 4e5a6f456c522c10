package org.dunwatch.core

import org.dunwatch.core.DunwatchException.Kind
import org.dunwatch.core.Support.at
import org.dunwatch.core.Support.expectFailure
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.nio.file.Path

/**
 * The classifier's weights reach the library as the app ships them: the bytes of the asset
 * `collection.dwm` (core/data/model, copied into the app's assets by the build) handed over at
 * store open. The library under test is built like the Android one, without weights of its own,
 * so until a model is installed it reads messages with the term list alone.
 */
class ModelTest {
    private val borrower = Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai")

    /** The shipped weights file (Maven runs in tests/jvm). */
    private fun shipped(): ByteArray = Files.readAllBytes(Path.of("../../core/data/model/collection.dwm"))

    @Test
    fun `a bad model file is refused with a clear error and no store opens`() {
        val handles = NativeBridge.nativeOpenHandles()
        expectFailure(Kind.INVALID_ARGUMENT, "not a dunwatch model file") {
            DunwatchStore.installModel("not a model".toByteArray())
        }
        expectFailure(Kind.INVALID_ARGUMENT, "model is null") { NativeBridge.nativeInstallModel(null) }
        val good = shipped()
        expectFailure(Kind.INVALID_ARGUMENT, "bytes of entries") {
            DunwatchStore.open(Support.tempDb().toString(), borrower, good.copyOf(good.size - 5))
        }
        expectFailure(Kind.INVALID_ARGUMENT, "header") {
            DunwatchStore.open(Support.tempDb().toString(), borrower, good.copyOf(40))
        }
        assertEquals(handles, NativeBridge.nativeOpenHandles())
    }

    @Test
    fun `the shipped model reads a collector message the term list alone misses and the store re-reads its messages`() {
        // A training message with no debt word the term list knows: only the learned model reads
        // it as collection (this checks the wiring, not accuracy).
        val text = "别跟我说没钱，支付宝借呗、微粒贷、美团借钱哪个不能借？随便下个口子先把我这笔平了再说"
        val path = Support.tempDb().toString()
        DunwatchStore.open(path, borrower).use { s ->
            assertEquals(0, s.recordSms("+8617012345678", text, SmsDirection.INCOMING, at()).newFlags)
            assertEquals(emptyList<Flag>(), s.flags())
        }
        val info = DunwatchStore.installModel(shipped())
        assertTrue(info.version.matches(Regex("""\d{4}\.\d{2}\.\d{2}-\d+""")), info.version)
        assertTrue(info.entries > 1000 && info.sha256.length == 64, info.toString())
        // Opening with the model re-reads the stored SMS (the model is in the rules fingerprint).
        DunwatchStore.open(path, borrower, shipped()).use { s ->
            val flags = s.flags()
            assertTrue(flags.isNotEmpty(), "no flag after the model was installed")
            // A new message is read with the model too.
            val r = s.recordSms("+8617012345679", text, SmsDirection.INCOMING, at(5))
            assertTrue(r.newFlags > 0, r.toString())
        }
    }
}
