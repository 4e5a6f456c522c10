package org.dunwatch.app.logic

import org.dunwatch.core.Case
import org.dunwatch.core.DayCount
import org.dunwatch.core.DunwatchStore
import java.time.LocalDate

/** What the case screen does with core's case page beyond showing it. */
object CaseActions {
    /**
     * Merges case [from] into [into]: every number of [from] is tagged into [into] (core re-derives
     * the flags after each tag). Returns how many numbers moved.
     */
    fun merge(store: DunwatchStore, from: Case, into: Case): Int {
        for (n in from.numbers) store.tagNumber(n, into.name)
        return from.numbers.size
    }

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
