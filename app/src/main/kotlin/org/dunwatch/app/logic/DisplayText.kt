package org.dunwatch.app.logic

import org.dunwatch.core.Case
import org.dunwatch.core.Flag
import org.dunwatch.core.Moment
import org.dunwatch.core.VerifyReport
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

/** Text the main screen shows; plain strings so the wording is tested here. */
object DisplayText {
    private val WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")

    /** Local time of [m] as the phone saw it (its own offset), e.g. `2026-03-15 21:30 (+08:00)`. */
    fun moment(m: Moment): String {
        val offset = ZoneOffset.ofTotalSeconds(m.offsetSecs)
        return "${WHEN.format(Instant.ofEpochMilli(m.utcMs).atOffset(offset))} ($offset)".replace("(Z)", "(UTC)")
    }

    /** A flag: what was broken, by whom, when, and the legal source. */
    fun flag(f: Flag): String = buildString {
        append(f.rule).append(" · ").append(f.severity.code).append('\n')
        append(f.description).append('\n')
        append(moment(f.at))
        f.caseName?.let { append(" · ").append(it) }
        if (f.numbers.isNotEmpty()) append(" · ").append(f.numbers.joinToString(", "))
        append('\n').append("Source: ").append(f.source)
    }

    fun case(c: Case): String = buildString {
        append(c.name)
        c.creditor?.let { append(" (").append(it).append(')') }
        append(" · ").append(c.party)
        if (c.numbers.isNotEmpty()) append('\n').append(c.numbers.joinToString(", "))
    }

    fun verify(r: VerifyReport): String = if (r.ok) {
        "Evidence intact: " + r.chains.joinToString(", ") { "${it.chain} ${it.rows} rows" }
    } else {
        val b = r.broken
        if (b == null) "Evidence chain broken" else "Evidence chain BROKEN at ${b.chain} row ${b.row}: ${b.reason}"
    }
}
