package org.dunwatch.app.logic

import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/**
 * Names of exported report files. The share provider serves only names of this shape, so a
 * crafted content URI (`../evidence.sqlite`) cannot reach anything else in the app's files.
 */
object ReportNames {
    private val STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
    private val SHAPE = Regex("dunwatch-report-\\d{8}-\\d{6}(-\\d+)?\\.html")

    /** `dunwatch-report-20260315-213005.html`, in the user's local time at [atMs]. */
    fun forExport(atMs: Long, zone: ZoneId): String =
        "dunwatch-report-${STAMP.format(Instant.ofEpochMilli(atMs).atZone(zone))}.html"

    /** [name], or `NAME-2.html`, `NAME-3.html`... : the first that [exists] says is free. */
    fun unique(name: String, exists: (String) -> Boolean): String {
        if (!exists(name)) return name
        val stem = name.removeSuffix(".html")
        return generateSequence(2) { it + 1 }.map { "$stem-$it.html" }.first { !exists(it) }
    }

    /** True for a plain file name the provider may serve. */
    fun isServable(name: String): Boolean = SHAPE.matches(name)
}
