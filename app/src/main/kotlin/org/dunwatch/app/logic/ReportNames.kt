package org.dunwatch.app.logic

import org.dunwatch.core.ReportFormat
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/**
 * Names of exported report files. The share provider serves only names of this shape, so a
 * crafted content URI (`../evidence.sqlite`) cannot reach anything else in the app's files.
 */
object ReportNames {
    private val STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
    // A CSV export writes NAME-events.csv and NAME-flags.csv next to the NAME.csv it was given.
    private val SHAPE = Regex("dunwatch-report-\\d{8}-\\d{6}(-\\d+)?(\\.html|\\.json|-events\\.csv|-flags\\.csv)")

    /** `dunwatch-report-20260315-213005.html`, in the user's local time at [atMs]. */
    fun forExport(atMs: Long, zone: ZoneId, format: ReportFormat = ReportFormat.HTML): String =
        "dunwatch-report-${STAMP.format(Instant.ofEpochMilli(atMs).atZone(zone))}.${format.code}"

    /** [name], or `NAME-2.ext`, `NAME-3.ext`... : the first that [exists] says is free (for CSV, both files). */
    fun unique(name: String, exists: (String) -> Boolean): String {
        val ext = name.substringAfterLast('.')
        val taken = { n: String ->
            if (ext == "csv") exists(n.removeSuffix(".csv") + "-events.csv") || exists(n.removeSuffix(".csv") + "-flags.csv") else exists(n)
        }
        if (!taken(name)) return name
        val stem = name.removeSuffix(".$ext")
        return generateSequence(2) { it + 1 }.map { "$stem-$it.$ext" }.first { !taken(it) }
    }

    /** True for a plain file name the provider may serve. */
    fun isServable(name: String): Boolean = SHAPE.matches(name)

    fun mimeType(name: String): String = when (name.substringAfterLast('.')) {
        "json" -> "application/json"
        "csv" -> "text/csv"
        else -> "text/html"
    }
}
