package org.dunwatch.app.logic

import org.dunwatch.core.CallEvent
import org.dunwatch.core.Case
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.Event
import org.dunwatch.core.EventQuery
import org.dunwatch.core.Flag
import org.dunwatch.core.FlagQuery
import org.dunwatch.core.Moment
import org.dunwatch.core.Screening
import org.dunwatch.core.SmsEvent
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.ZoneOffset

/*
 * What the Today, Timeline and Case screens show, read through the bridge's existing calls
 * (events, flags, cases, screenCall). The bridge is getting page reads of its own; until then the
 * grouping lives here, in plain Kotlin, tested on the JVM.
 */

/** A day's limit a rule counts against, as core reported it in a flag of that day. */
data class DailyLimit(val rule: String, val counted: String, val count: Int, val max: Int)

/** One collector (case) today. */
data class CaseToday(
    val case: Case,
    val calls: Int,
    val connected: Int,
    val sms: Int,
    val violations: List<Flag>,
    val limits: List<DailyLimit>,
    /** What screening would do with a call from this collector now, and why (null: no number). */
    val now: Screening?,
)

/** A collector contact on the timeline, with the words its flags matched. */
data class TimelineEntry(val event: Event, val words: List<String>, val rules: List<String>)

data class RuleCount(val rule: String, val count: Int, val description: String, val source: String)

data class CasePage(
    val case: Case,
    val calls: Int,
    val connected: Int,
    val sms: Int,
    /** Contacts per local day, oldest first, every day from the first to the last contact. */
    val perDay: List<Pair<LocalDate, Int>>,
    val byRule: List<RuleCount>,
)

object Pages {
    /** Reads at most this many rows per query; a case page covers a long history in pages. */
    private const val PAGE = 1000

    fun localDate(m: Moment): LocalDate =
        Instant.ofEpochMilli(m.utcMs).atOffset(ZoneOffset.ofTotalSeconds(m.offsetSecs)).toLocalDate()

    fun dayStartMs(nowMs: Long, zone: ZoneId): Long =
        Instant.ofEpochMilli(nowMs).atZone(zone).toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli()

    fun today(store: DunwatchStore, nowMs: Long, zone: ZoneId): List<CaseToday> {
        val from = dayStartMs(nowMs, zone)
        val flags = store.flags(FlagQuery(fromMs = from, toMs = nowMs + 1, limit = PAGE))
        return store.cases().map { c ->
            val events = allEvents(store, EventQuery(caseId = c.id, fromMs = from, toMs = nowMs + 1))
            val mine = flags.filter { it.caseId == c.id }
            val now = c.numbers.firstOrNull()?.let { n ->
                runCatching { store.screenCall(n, Moment.of(nowMs, zone)) }.getOrNull()
            }
            CaseToday(
                c,
                calls = events.count { it is CallEvent },
                connected = events.count { it is CallEvent && it.connected },
                sms = events.count { it is SmsEvent },
                violations = mine,
                limits = mine.mapNotNull(::limitOf).groupBy { it.rule }.map { (_, ls) -> ls.maxBy { it.count } },
                now = now,
            )
        }
    }

    fun timeline(store: DunwatchStore, caseId: Long?, limit: Int = 200): List<TimelineEntry> {
        val events = store.events(EventQuery(caseId = caseId, limit = limit))
        if (events.isEmpty()) return emptyList()
        val oldest = events.minOf { it.at.utcMs }
        val flags = store.flags(FlagQuery(caseId = caseId, fromMs = oldest, limit = PAGE * 10))
        val byEvent = HashMap<Long, MutableList<Flag>>()
        for (f in flags) for (e in f.events) byEvent.getOrPut(e) { mutableListOf() } += f
        // Without a case filter, show collector contacts only: events some case or flag claims.
        val cases = store.cases()
        val collectorNumbers = cases.flatMap { it.numbers }.toSet()
        return events
            .filter { caseId != null || it.number.normalized in collectorNumbers || byEvent.containsKey(it.id) }
            .map { e ->
                val fs = byEvent[e.id].orEmpty()
                TimelineEntry(e, fs.flatMap { wordsOf(it.detail) }.distinct(), fs.map { it.rule }.distinct())
            }
    }

    fun case(store: DunwatchStore, case: Case): CasePage {
        val events = allEvents(store, EventQuery(caseId = case.id))
        val counts = events.groupingBy { localDate(it.at) }.eachCount()
        val perDay = if (counts.isEmpty()) {
            emptyList()
        } else {
            val first = counts.keys.min()
            val last = counts.keys.max()
            generateSequence(first) { it.plusDays(1) }.takeWhile { !it.isAfter(last) }.map { it to (counts[it] ?: 0) }.toList()
        }
        val flags = allFlags(store, case.id)
        val byRule = flags.groupBy { it.rule }.map { (rule, fs) ->
            RuleCount(rule, fs.size, fs.first().description, fs.first().source)
        }.sortedByDescending { it.count }
        return CasePage(
            case,
            calls = events.count { it is CallEvent },
            connected = events.count { it is CallEvent && it.connected },
            sms = events.count { it is SmsEvent },
            perDay = perDay,
            byRule = byRule,
        )
    }

    private fun allEvents(store: DunwatchStore, q: EventQuery): List<Event> {
        val out = mutableListOf<Event>()
        while (true) {
            val page = store.events(q.copy(offset = out.size, limit = PAGE))
            out += page
            if (page.size < PAGE) return out
        }
    }

    private fun allFlags(store: DunwatchStore, caseId: Long): List<Flag> {
        val out = mutableListOf<Flag>()
        while (true) {
            val page = store.flags(FlagQuery(caseId = caseId, offset = out.size, limit = PAGE))
            out += page
            if (page.size < PAGE) return out
        }
    }

    /** Every `words` list anywhere in a flag's detail (content checks put the matched words there). */
    fun wordsOf(detail: Any?): List<String> = when (detail) {
        is Map<*, *> -> detail.entries.flatMap { (k, v) ->
            if (k == "words" && v is List<*>) v.filterIsInstance<String>() else wordsOf(v)
        }
        is List<*> -> detail.flatMap(::wordsOf)
        else -> emptyList()
    }

    /** The daily-count part of a flag's detail (`counted`, `count`, `max`), if it has one. */
    fun limitOf(f: Flag): DailyLimit? {
        fun find(d: Any?): DailyLimit? = when (d) {
            is Map<*, *> -> {
                val count = (d["count"] as? Number)?.toInt()
                val max = (d["max"] as? Number)?.toInt()
                val counted = d["counted"] as? String
                if (count != null && max != null && counted != null) DailyLimit(f.rule, counted, count, max)
                else d.values.firstNotNullOfOrNull(::find)
            }
            is List<*> -> d.firstNotNullOfOrNull(::find)
            else -> null
        }
        return find(f.detail)
    }

    /** Merges case [from] into [into]: every number of [from] is tagged into [into]. */
    fun merge(store: DunwatchStore, from: Case, into: Case): Int {
        for (n in from.numbers) store.tagNumber(n, into.name)
        return from.numbers.size
    }

    /** Character ranges of [words] in [text] (case-insensitive), for highlighting. */
    fun highlights(text: String, words: List<String>): List<IntRange> {
        val out = mutableListOf<IntRange>()
        for (w in words.filter { it.isNotBlank() }) {
            var i = text.indexOf(w, ignoreCase = true)
            while (i >= 0) {
                out += i until i + w.length
                i = text.indexOf(w, i + w.length, ignoreCase = true)
            }
        }
        return out.sortedBy { it.first }
    }
}
