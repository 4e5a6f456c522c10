package org.dunwatch.core

import org.dunwatch.core.DunwatchException.Kind
import org.dunwatch.core.Support.at
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/** One handle shared by several Java threads, as the SMS receiver, screening service and UI do. */
class ConcurrencyTest {
    private fun runThreads(n: Int, body: (Int) -> Unit): List<Throwable> {
        val errors = ConcurrentLinkedQueue<Throwable>()
        val start = CountDownLatch(1)
        val pool = Executors.newFixedThreadPool(n)
        repeat(n) { t ->
            pool.execute {
                start.await()
                try { body(t) } catch (e: Throwable) { errors.add(e) }
            }
        }
        start.countDown()
        pool.shutdown()
        assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "threads did not finish")
        return errors.toList()
    }

    @Test
    fun `8 threads record and read at once without losing or duplicating anything`() {
        val perThread = 60
        Support.open().use { store ->
            store.tagNumber("13800130000", "Loan A")
            val screened = AtomicInteger()
            val errors = runThreads(8) { t ->
                for (i in 0 until perThread) {
                    val number = "1380013${"%04d".format(t)}"
                    when (i % 3) {
                        0 -> store.recordSms(number, "t$t m$i", SmsDirection.INCOMING, at(i.toLong()))
                        1 -> {
                            val c = store.recordCall(number, CallDirection.INCOMING, at(i.toLong()))
                            store.updateCall(c.id, CallDirection.INCOMING, talkMs = 1000L + i)
                        }
                        else -> store.recordSms(number, "t$t m$i", SmsDirection.OUTGOING, at(i.toLong()), source = Source.MANUAL)
                    }
                    // Screening runs beside the writers (the family phone rejects thread 0's number,
                    // tagged as a collector, and lets the others ring).
                    val d = store.screenCall(number, at(i.toLong()))
                    assertEquals(if (t == 0) ScreenDecision.REJECT else ScreenDecision.ALLOW, d.decision, d.reason)
                    screened.incrementAndGet()
                    if (i % 10 == 0) {
                        store.events(EventQuery(limit = 20))
                        store.cases()
                        store.flags()
                    }
                }
            }
            assertEquals(emptyList<Throwable>(), errors)
            assertEquals(8 * perThread, screened.get())
            val calls = 8 * (perThread / 3)
            val sms = 8 * perThread - calls
            assertEquals((sms + 2 * calls).toLong(), store.eventCount())
            val all = store.events(EventQuery(limit = 10_000))
            assertEquals(sms + calls, all.size)
            assertEquals(all.size, all.map { it.id }.toSet().size)
            assertTrue(all.filterIsInstance<CallEvent>().all { it.talkMs >= 1000 }, "every update folded in")
            assertTrue(store.verify().ok)
        }
    }

    @Test
    fun `closing a handle while other threads use it is safe`() {
        repeat(3) {
            val store = Support.open()
            val closed = AtomicInteger()
            val errors = runThreads(8) { t ->
                if (t == 0) {
                    Thread.sleep(5)
                    store.close()
                    closed.incrementAndGet()
                } else {
                    for (i in 0 until 200) {
                        try {
                            store.recordSms("10086", "t$t $i", SmsDirection.INCOMING, at(i.toLong()))
                            store.eventCount()
                        } catch (e: DunwatchException) {
                            assertEquals(Kind.INVALID_HANDLE, e.kind, e.message)
                            break
                        }
                    }
                }
            }
            assertEquals(emptyList<Throwable>(), errors)
            assertEquals(1, closed.get())
        }
    }
}
