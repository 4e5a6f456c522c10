package org.dunwatch.app.logic

import org.dunwatch.core.BrokenRow
import org.dunwatch.core.ChainSummary
import org.dunwatch.core.Flag
import org.dunwatch.core.Moment
import org.dunwatch.core.Severity
import org.dunwatch.core.VerifyReport
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.time.ZoneId

class DisplayTextTest {
    @Test
    fun `a moment shows the local time it happened under`() {
        // 2026-03-15T13:30:05Z
        assertEquals("2026-03-15 21:30 (+08:00)", DisplayText.moment(Moment(1_773_581_405_000, 8 * 3600)))
        assertEquals("2026-03-15 13:30 (UTC)", DisplayText.moment(Moment(1_773_581_405_000, 0)))
    }

    @Test
    fun `a flag shows rule, description, contacts and the legal source`() {
        val f = Flag(
            7, "CN.TIME.NIFA", 1, "loan A", Moment(1_773_581_405_000, 8 * 3600), Severity.HIGH,
            "call outside 08:00-21:00", "NIFA convention art. 12", listOf(3), listOf("+8613800138000"), emptyMap(),
        )
        assertEquals(
            "CN.TIME.NIFA · high\ncall outside 08:00-21:00\n2026-03-15 21:30 (+08:00) · loan A · +8613800138000\nSource: NIFA convention art. 12",
            DisplayText.flag(f),
        )
    }

    @Test
    fun `verify names the broken row`() {
        assertEquals("Evidence intact: events 3 rows", DisplayText.verify(VerifyReport(true, listOf(ChainSummary("events", 3, "ab")), null)))
        assertEquals(
            "Evidence chain BROKEN at events row 2: hash mismatch",
            DisplayText.verify(VerifyReport(false, emptyList(), BrokenRow("events", 2, "hash mismatch"))),
        )
    }

    @Test
    fun `moments take the offset in force at their instant, not today's`() {
        val ny = ZoneId.of("America/New_York")
        assertEquals(-5 * 3600, Moments.at(1_768_478_400_000, ny).offsetSecs) // 2026-01-15 winter
        assertEquals(-4 * 3600, Moments.at(1_784_116_800_000, ny).offsetSecs) // 2026-07-15 summer
        assertEquals(1_784_116_800_000, Moments.at(1_784_116_800_000, ny).utcMs)
    }
}
