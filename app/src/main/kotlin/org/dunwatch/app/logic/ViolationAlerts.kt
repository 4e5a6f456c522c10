package org.dunwatch.app.logic

import org.dunwatch.core.Flag
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset

/**
 * One violation notification per collector per day, not one per call: the flags of a day grouped
 * by case (or, for an untagged collector, by its first number). The key is stable for the day, so
 * a later violation updates the same notification.
 */
data class ViolationAlert(
    val key: String,
    val caseId: Long?,
    /** The case's name, else the collector's number. */
    val who: String,
    val day: LocalDate,
    val count: Int,
    /** Rule ids, most frequent first. */
    val rules: List<String>,
)

object ViolationAlerts {
    /** The local day of a flag, as the phone saw it (the flag's own offset). */
    fun dayOf(f: Flag): LocalDate =
        Instant.ofEpochMilli(f.at.utcMs).atOffset(ZoneOffset.ofTotalSeconds(f.at.offsetSecs)).toLocalDate()

    fun group(flags: List<Flag>): List<ViolationAlert> =
        flags.groupBy { keyOf(it) }.map { (key, fs) ->
            val first = fs.first()
            ViolationAlert(
                key = key,
                caseId = first.caseId,
                who = first.caseName ?: first.numbers.firstOrNull().orEmpty(),
                day = dayOf(first),
                count = fs.size,
                rules = fs.groupingBy { it.rule }.eachCount().entries.sortedByDescending { it.value }.map { it.key },
            )
        }

    /** Notification key of [f]: its collector and day. */
    fun keyOf(f: Flag): String = (f.caseId?.let { "case:$it" } ?: "number:${f.numbers.firstOrNull().orEmpty()}") + "@" + dayOf(f)
}
