package org.dunwatch.app.logic

import org.dunwatch.core.Case
import org.dunwatch.core.DayCount
import org.dunwatch.core.DunwatchStore
import java.time.LocalDate

/** What the case screen does with core's case page beyond showing it. */
object CaseActions {
    /**
     * Merges case [from] into [into] in one step of core's (the numbers move, [from] leaves the
     * list, its notes and its name go with it, the flags are re-derived once). Returns how many
     * numbers moved.
     */
    fun merge(store: DunwatchStore, from: Case, into: Case): Int = store.mergeCases(from.name, into.name).moved.size

    /**
     * Core's contacts per day (days with contacts or flags) as the chart's bars: every day from
     * the first to the last, a day without contacts at zero, each day's SMS and calls together.
     */
    fun chartDays(days: List<DayCount>): List<Pair<LocalDate, Int>> {
        val counts = days.associate { LocalDate.parse(it.day) to it.sms + it.calls }
        if (counts.isEmpty()) return emptyList()
        val first = counts.keys.min()
        val last = counts.keys.max()
        return generateSequence(first) { it.plusDays(1) }.takeWhile { !it.isAfter(last) }.map { it to (counts[it] ?: 0) }.toList()
    }
}
