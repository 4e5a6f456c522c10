package org.dunwatch.app.logic

import org.dunwatch.app.logic.EvidenceForm.Kind
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.ZoneId
import java.time.ZonedDateTime

class EvidenceFormTest {
    private val shanghai = ZoneId.of("Asia/Shanghai")
    private val newYork = ZoneId.of("America/New_York")
    private val now = ZonedDateTime.of(2026, 3, 9, 12, 0, 0, 0, newYork).toInstant().toEpochMilli()

    private val STOP = "我已要求催收方停止联系我。"

    private fun ok(r: EvidenceForm.Result) = r as? EvidenceForm.Result.Ok ?: error("not Ok: $r")

    @Test
    fun `a blank stop request gets the default text, the current time and no case`() {
        val r = ok(EvidenceForm.parse(Kind.STOP_REQUEST, "  ", " ", "", shanghai, now, STOP))
        assertEquals(null, r.caseName)
        assertEquals(STOP, r.text)
        assertEquals(now, r.at.utcMs)
        assertEquals(8 * 3600, r.at.offsetSecs)
    }

    @Test
    fun `a typed time is read in the phone's zone with that moment's offset`() {
        // 2026-03-08 01:30 in New York is before the DST change (EST, -5h); 03:30 after (EDT, -4h).
        val before = ok(EvidenceForm.parse(Kind.NOTE, "Loan  A", "He called my mother", "2026-03-08 01:30", newYork, now, STOP))
        assertEquals("Loan A", before.caseName)
        assertEquals(ZonedDateTime.of(2026, 3, 8, 6, 30, 0, 0, ZoneId.of("UTC")).toInstant().toEpochMilli(), before.at.utcMs)
        assertEquals(-5 * 3600, before.at.offsetSecs)
        val after = ok(EvidenceForm.parse(Kind.NOTE, "", "x", "2026-03-08 03:30", newYork, now, STOP))
        assertEquals(-4 * 3600, after.at.offsetSecs)
        // 02:30 does not exist that night: java.time moves it forward by the gap, to 03:30 EDT.
        val gap = ok(EvidenceForm.parse(Kind.NOTE, "", "x", "2026-03-08 02:30", newYork, now, STOP))
        assertEquals(after.at, gap.at)
    }

    @Test
    fun `an empty note, a bad or future time, overlong input are refused`() {
        val cases = listOf(
            EvidenceForm.parse(Kind.NOTE, "A", "   ", "", shanghai, now, STOP) to FormProblem.NOTE_MISSING,
            EvidenceForm.parse(Kind.NOTE, "A", "x", "yesterday", shanghai, now, STOP) to FormProblem.BAD_TIME,
            EvidenceForm.parse(Kind.NOTE, "A", "x", "2026-02-30 10:00", shanghai, now, STOP) to FormProblem.BAD_TIME,
            EvidenceForm.parse(Kind.STOP_REQUEST, "A", "", "2027-01-01 10:00", shanghai, now, STOP) to FormProblem.FUTURE_TIME,
            EvidenceForm.parse(Kind.NOTE, "A", "x".repeat(EvidenceForm.MAX_TEXT + 1), "", shanghai, now, STOP) to FormProblem.TEXT_TOO_LONG,
            EvidenceForm.parse(Kind.NOTE, "c".repeat(TagForm.MAX_CASE_NAME + 1), "x", "", shanghai, now, STOP) to FormProblem.CASE_TOO_LONG,
        )
        for ((r, problem) in cases) assertEquals(problem, (r as? EvidenceForm.Result.Invalid)?.problem, "$r")
        assertEquals(EvidenceForm.MAX_TEXT.toString(), (cases[4].first as EvidenceForm.Result.Invalid).arg)
        assertTrue(EvidenceForm.parse(Kind.NOTE, "A", "x".repeat(EvidenceForm.MAX_TEXT), "", shanghai, now, STOP) is EvidenceForm.Result.Ok)
    }
}
