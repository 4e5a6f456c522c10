package org.dunwatch.core

import org.dunwatch.core.DunwatchException.Kind
import org.dunwatch.core.Support.at
import org.dunwatch.core.Support.expectFailure
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files

/**
 * What Kotlin's types would normally prevent, passed straight to the native functions: each must
 * end as a DunwatchException with a message, never a crash (the suite runs under -Xcheck:jni).
 */
class SafetyTest {
    private val store = Support.open()
    private val h: Long get() = handleOf(store)

    @AfterEach
    fun close() {
        try { store.close() } catch (_: DunwatchException) { /* closed by the test */ }
    }

    private val sms = """{"direction":"incoming","received":{"utc_ms":${Support.T0},"offset_secs":0}}"""
    private val call = """{"direction":"incoming","start":{"utc_ms":${Support.T0},"offset_secs":0}}"""
    private val instant = """{"utc_ms":${Support.T0},"offset_secs":0}"""
    private val note = """{"at":$instant}"""
    private val file = """{"at":{"utc_ms":${Support.T0},"offset_secs":0},"size":1}"""
    private val sha = "ab".repeat(32)

    @Test
    fun `null strings are refused by name`() {
        val b = NativeBridge
        val cases: List<Pair<String, () -> Unit>> = listOf(
            "path" to { b.nativeOpen(null, null) },
            "settings" to { b.nativeSetSettings(h, null) },
            "number" to { b.nativeRecordSms(h, null, "x", sms) },
            "body" to { b.nativeRecordSms(h, "10086", null, sms) },
            "meta" to { b.nativeRecordSms(h, "10086", "x", null) },
            "number" to { b.nativeRecordCall(h, null, call) },
            "meta" to { b.nativeRecordCall(h, "10086", null) },
            "meta" to { b.nativeUpdateCall(h, 1, null) },
            "number" to { b.nativeScreenCall(h, null, "{}", null) },
            "at" to { b.nativeScreenCall(h, "10086", null, null) },
            "query" to { b.nativeEvents(h, null) },
            "query" to { b.nativeFlags(h, null) },
            "number" to { b.nativeTagNumber(h, null, "A") },
            "caseName" to { b.nativeTagNumber(h, "10086", null) },
            "kind" to { b.nativeAddAnnotation(h, null, null, "t", note) },
            "text" to { b.nativeAddAnnotation(h, "note", null, null, note) },
            "meta" to { b.nativeAddAnnotation(h, "note", null, "t", null) },
            "name" to { b.nativeAddAttachment(h, null, null, sha, file) },
            "sha256" to { b.nativeAddAttachment(h, null, "f", null, file) },
            "meta" to { b.nativeAddAttachment(h, null, "f", sha, null) },
            "path" to { b.nativeExportReport(h, null, "{}") },
            "options" to { b.nativeExportReport(h, "/tmp/r.html", null) },
            "message" to { b.nativeDebugPanic(null) },
        )
        for ((arg, f) in cases) expectFailure(Kind.INVALID_ARGUMENT, "argument $arg is null", f)
        // Optional arguments accept null.
        assertTrue(b.nativeAddAnnotation(h, "note", null, "t", note) > 0)
        assertTrue(b.nativeAddAttachment(h, null, "f", sha, file) > 0)
    }

    @Test
    fun `malformed JSON is refused with what was expected`() {
        val b = NativeBridge
        expectFailure(Kind.INVALID_ARGUMENT, "SMS metadata") { b.nativeRecordSms(h, "10086", "x", "{") }
        expectFailure(Kind.INVALID_ARGUMENT, "unknown field") { b.nativeRecordSms(h, "10086", "x", """{"oops":1}""") }
        expectFailure(Kind.INVALID_ARGUMENT, "call metadata") { b.nativeRecordCall(h, "10086", "[]") }
        expectFailure(Kind.INVALID_ARGUMENT, "settings") { b.nativeSetSettings(h, """{"jurisdiction":"mars"}""") }
        expectFailure(Kind.INVALID_ARGUMENT, "event query") { b.nativeEvents(h, """{"limit":-1}""") }
        expectFailure(Kind.INVALID_ARGUMENT, "outside") {
            b.nativeRecordSms(h, "10086", "x", """{"direction":"incoming","received":{"utc_ms":0,"offset_secs":90000}}""")
        }
        expectFailure(Kind.INVALID_ARGUMENT, "screening policy") { b.nativeScreenCall(h, "10086", instant, "{}") }
        expectFailure(Kind.INVALID_ARGUMENT, "screening instant") { b.nativeScreenCall(h, "10086", "{}", null) }
        expectFailure(Kind.INVALID_ARGUMENT, "unknown annotation kind") { b.nativeAddAnnotation(h, "shout", null, "t", note) }
        expectFailure(Kind.INVALID_ARGUMENT, "settings") { b.nativeOpen(Support.tempDb().toString(), "not json") }
    }

    @Test
    fun `bad numbers and oversized bodies are refused`() {
        expectFailure(Kind.INVALID_ARGUMENT, "") { store.recordSms("1".repeat(500), "x", SmsDirection.INCOMING, at()) }
        expectFailure(Kind.INVALID_ARGUMENT, "exceeds") {
            store.recordSms("10086", "x".repeat(4 * 1024 * 1024 + 1), SmsDirection.INCOMING, at())
        }
        expectFailure(Kind.INVALID_ARGUMENT, "duration") {
            store.recordCall("10086", CallDirection.INCOMING, at(), talkMs = 30L * 24 * 3600 * 1000)
        }
        assertEquals(0L, store.eventCount(), "nothing refused was stored")
    }

    @Test
    fun `invalid, closed and double-closed handles are detected`() {
        for (bogus in listOf(0L, -1L, 42L, Long.MAX_VALUE, h + 1_000_000)) {
            expectFailure(Kind.INVALID_HANDLE, "not a store handle") { NativeBridge.nativeEventCount(bogus) }
        }
        val other = Support.open()
        val id = handleOf(other)
        other.close()
        expectFailure(Kind.INVALID_HANDLE, "closed") { other.eventCount() }
        expectFailure(Kind.INVALID_HANDLE, "closed") { other.recordSms("10086", "x", SmsDirection.INCOMING, at()) }
        expectFailure(Kind.INVALID_HANDLE, "closed") { other.verify() }
        expectFailure(Kind.INVALID_HANDLE, "closed") { other.close() }
        expectFailure(Kind.INVALID_HANDLE, "closed") { NativeBridge.nativeClose(id) }
        // The store of this test is unaffected.
        assertTrue(store.verify().ok)
    }

    @Test
    fun `unpaired surrogates are refused, never altered, and can be repaired on purpose`() {
        val lone = "pay now \uD83D or else"
        val e = expectFailure(Kind.INVALID_ARGUMENT, "argument body: unpaired UTF-16 surrogate U+D83D at index 8") {
            store.recordSms("10086", lone, SmsDirection.INCOMING, at())
        }
        assertTrue(e.message!!.contains("refused"))
        expectFailure(Kind.INVALID_ARGUMENT, "U+DC00") { store.recordSms("10086\uDC00", "x", SmsDirection.INCOMING, at()) }
        expectFailure(Kind.INVALID_ARGUMENT, "argument caseName") { store.tagNumber("10086", "Loan \uDBFF") }
        expectFailure(Kind.INVALID_ARGUMENT, "argument text") { store.addNote("\uDE00\uD83D", at()) }
        assertEquals(0L, store.eventCount())

        assertTrue(Text.hasUnpairedSurrogate(lone))
        val repaired = Text.replaceUnpairedSurrogates(lone)
        assertEquals("pay now \uFFFD or else", repaired)
        assertFalse(Text.hasUnpairedSurrogate("pair 😀 ok"))
        store.recordSms("10086", repaired, SmsDirection.INCOMING, at())
        assertEquals(repaired, (store.events().single() as SmsEvent).body)
    }

    @Test
    fun `a panic inside Rust becomes an exception and the library stays usable`() {
        expectFailure(Kind.INTERNAL, "panic inside dunwatch: debug panic requested: boom") {
            NativeBridge.nativeDebugPanic("boom")
        }
        repeat(3) { expectFailure(Kind.INTERNAL, "panic") { NativeBridge.nativeDebugPanic("again $it") } }
        store.recordSms("10086", "still works", SmsDirection.INCOMING, at())
        assertEquals(1L, store.eventCount())
    }

    @Test
    fun `storage failures are reported`() {
        val dir = Files.createTempDirectory("dunwatch-dir")
        expectFailure(Kind.STORAGE, "") { DunwatchStore.open(dir.toString()) }
        val notDb = Files.writeString(dir.resolve("notes.txt"), "this is not a database, ".repeat(200))
        expectFailure(Kind.STORAGE, "database") { DunwatchStore.open(notDb.toString()) }
        expectFailure(Kind.INVALID_ARGUMENT, "empty") { DunwatchStore.open("  ") }
    }

    @Test
    fun `no handle leaks after open and close`() {
        val before = NativeBridge.nativeOpenHandles()
        repeat(20) { Support.open().use { s -> s.eventCount() } }
        assertEquals(before, NativeBridge.nativeOpenHandles())
    }

    companion object {
        /** The private handle, read by reflection: tests pass it to the raw native functions. */
        fun handleOf(s: DunwatchStore): Long =
            DunwatchStore::class.java.getDeclaredField("handle").apply { isAccessible = true }.getLong(s)
    }
}
