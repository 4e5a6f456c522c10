package org.dunwatch.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.Path

/** Shared fixtures of the JVM tests. */
object Support {
    /** 2023-11-14 22:13:20 UTC, i.e. 06:13 the next morning in Shanghai. */
    const val T0 = 1_700_000_000_000L
    val SHANGHAI = 8 * 3600

    fun at(offsetMinutes: Long = 0) = Moment(T0 + offsetMinutes * 60_000, SHANGHAI)

    val family = Settings(Jurisdiction.CN, Role.FAMILY, "Asia/Shanghai")

    fun tempDb(): Path = Files.createTempDirectory("dunwatch-jvm").resolve("store.db")

    fun open(settings: Settings? = family): DunwatchStore = DunwatchStore.open(tempDb().toString(), settings)

    /** Runs [f], expects a [DunwatchException] of [kind] whose message contains [fragment]. */
    fun expectFailure(kind: DunwatchException.Kind, fragment: String, f: () -> Unit): DunwatchException {
        val e = assertThrows<DunwatchException> { f() }
        assertEquals(kind, e.kind, "kind of: ${e.message}")
        assertTrue(e.message!!.contains(fragment), "expected \"$fragment\" in: ${e.message}")
        return e
    }

    /** Resident set size of this process in kB, from /proc (Linux only). */
    fun rssKb(): Long? = try {
        Files.readAllLines(Path.of("/proc/self/status"))
            .firstOrNull { it.startsWith("VmRSS:") }
            ?.split(Regex("\\s+"))?.get(1)?.toLong()
    } catch (e: java.io.IOException) {
        null
    }
}
