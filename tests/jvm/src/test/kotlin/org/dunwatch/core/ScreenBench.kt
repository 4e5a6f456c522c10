package org.dunwatch.core

import java.lang.management.ManagementFactory
import java.nio.file.Files
import java.nio.file.Path
import kotlin.random.Random

/**
 * Screening latency through JNI, measured from Kotlin (not a unit test: tests/jvm/bench.sh fills
 * a store with 1M events, then runs this `main` on it against the release library).
 *
 * Times 100,000 `DunwatchStore.screenCall` calls (a third from collector numbers in cases, the
 * rest from other numbers, at random instants of the stored year) after a warm-up, and, as the
 * floor of any native call, `nativeVersion` (a JNI round trip returning a string).
 *
 * Wall-clock tails on a loaded machine are mostly preemption, so the thread's CPU time per call
 * is reported too (`ThreadMXBean`, which includes the time spent in native code).
 */
fun main(args: Array<String>) {
    val path = args.firstOrNull() ?: error("usage: ScreenBench STORE_PATH")
    val t0 = 1_735_660_800_000L
    val year = 365L * 86_400_000
    val rnd = Random(7)
    fun number() = if (rnd.nextInt(3) == 0) "1380000%04d".format(rnd.nextInt(1000)) else "1390%07d".format(rnd.nextInt(20_000))
    fun moment() = Moment(t0 + (rnd.nextLong(year)), 8 * 3600)

    val openStart = System.nanoTime()
    DunwatchStore.open(path).use { store ->
        val openMs = (System.nanoTime() - openStart) / 1e6
        println("store: ${store.eventCount()} events, opened in %.0f ms".format(openMs))
        val n = 100_000
        val inputs = List(n) { number() to moment() }
        repeat(10_000) { store.screenCall(number(), moment()) }

        val lat = LongArray(n)
        val cpu = LongArray(n)
        val mx = ManagementFactory.getThreadMXBean()
        val decisions = HashMap<ScreenDecision, Int>()
        println("load average before: ${loadAverage()}")
        val all = System.nanoTime()
        for (i in 0 until n) {
            val (num, at) = inputs[i]
            val c = mx.currentThreadCpuTime
            val t = System.nanoTime()
            val d = store.screenCall(num, at)
            lat[i] = System.nanoTime() - t
            cpu[i] = mx.currentThreadCpuTime - c
            decisions.merge(d.decision, 1, Int::plus)
        }
        val totalS = (System.nanoTime() - all) / 1e9
        println("load average after: ${loadAverage()}")
        report("screenCall (JNI + JSON + core), wall clock", lat)
        report("screenCall, thread CPU time", cpu)
        println("  throughput %.0f screens/s; decisions %s".format(n / totalS, decisions.toSortedMap()))

        repeat(10_000) { NativeBridge.nativeVersion() }
        for (i in 0 until n) {
            val t = System.nanoTime()
            NativeBridge.nativeVersion()
            lat[i] = System.nanoTime() - t
        }
        report("nativeVersion (JNI round trip floor)", lat)
    }
}

private fun loadAverage(): String =
    try { Files.readString(Path.of("/proc/loadavg")).trim() } catch (e: java.io.IOException) { "n/a" }

private fun report(what: String, lat: LongArray) {
    lat.sort()
    fun us(p: Double) = lat[((lat.size - 1) * p).toInt()] / 1000.0
    println("%s over %d calls: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us, mean %.1f us".format(
        what, lat.size, us(0.50), us(0.99), us(0.999), lat.last() / 1000.0, lat.average() / 1000.0,
    ))
}
