package org.dunwatch.core

import org.dunwatch.core.DunwatchException.Kind
import org.dunwatch.core.Support.at
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * 100k native calls (successes and failures) must not grow the process: local references are
 * released per call (-Xcheck:jni would warn, and run.sh fails on its warnings) and nothing is
 * kept in native memory. RSS is compared after a warm-up, with a generous bound.
 */
class StressTest {
    private fun mixedCalls(store: DunwatchStore, handle: Long, n: Int) {
        val query = """{"limit":5}"""
        for (i in 0 until n) {
            when (i % 5) {
                0 -> NativeBridge.nativeEventCount(handle)
                1 -> NativeBridge.nativeEvents(handle, query)
                2 -> try {
                    NativeBridge.nativeRecordSms(handle, "10086", "x", "{")
                } catch (e: DunwatchException) {
                    check(e.kind == Kind.INVALID_ARGUMENT)
                }
                3 -> try {
                    NativeBridge.nativeEventCount(-1)
                } catch (e: DunwatchException) {
                    check(e.kind == Kind.INVALID_HANDLE)
                }
                else -> store.settings
            }
        }
    }

    @Test
    fun `100k calls do not grow the process`() {
        Support.open().use { store ->
            repeat(50) { store.recordSms("1380013800$it".take(11), "body $it", SmsDirection.INCOMING, at(it.toLong())) }
            val handle = SafetyTest.handleOf(store)
            mixedCalls(store, handle, 20_000) // warm-up: JIT, SQLite page cache, statement caches
            // A leak grows RSS batch after batch; the JIT compiling the hot paths (native memory
            // the JVM's compiler threads take and glibc keeps) grows it once. So a batch that grew
            // past the bound is given one more batch, which must stay under it.
            var grown = 0L
            for (batch in 1..2) {
                System.gc()
                val before = Support.rssKb()
                val t = System.nanoTime()
                mixedCalls(store, handle, 100_000)
                val ms = (System.nanoTime() - t) / 1_000_000
                System.gc()
                val after = Support.rssKb()
                grown = if (before != null && after != null) after - before else 0L
                println("StressTest: batch $batch, 100000 mixed calls in $ms ms, VmRSS $before kB -> $after kB")
                if (grown < 50 * 1024) break
            }
            assertTrue(grown < 50 * 1024, "RSS grew by $grown kB in two batches of 100k calls")
            assertEquals(50L, store.eventCount())
            // Inserts too: each new row is a real write (and flag evaluation) through JNI.
            for (i in 0 until 500) store.recordCall("13900139000", CallDirection.MISSED, at(i.toLong()))
            assertEquals(550L, store.eventCount())
        }
    }
}
