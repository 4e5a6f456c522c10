package org.dunwatch.app.logic

import org.dunwatch.core.DayCount
import org.dunwatch.core.Flag
import org.dunwatch.core.Moment
import org.dunwatch.core.ReportFormat
import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.Severity
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.LocalDate
import java.time.ZoneId

/** The screens' presentation: violation alerts per collector per day, highlights, the chart's days, screening choices, export names. */
class PagesTest {
    private val shanghai = 8 * 3600

    private fun flag(id: Long, rule: String, caseId: Long?, utcMs: Long, detail: Map<String, Any?> = emptyMap(), number: String = "+8617012345678") =
        Flag(id, rule, caseId, caseId?.let { "case$it" }, Moment(utcMs, shanghai), Severity.HIGH, "d", "s", listOf(id), listOf(number), detail)

    // 2025-03-28 10:00 and 23:30 in Shanghai (the second is 15:30 UTC: same local day).
    private val morning = 1_743_127_200_000L
    private val night = morning + 13 * 3_600_000L + 30 * 60_000L

    @Test
    fun `one alert per collector per local day, counting its flags, rules by frequency`() {
        val flags = listOf(
            flag(1, "CN.ABUSE", 7, morning), flag(2, "CN.TIME.GBT", 7, night), flag(3, "CN.ABUSE", 7, night),
            flag(4, "CN.ABUSE", 8, morning), flag(5, "CN.ABUSE", null, morning, number = "+8613344445555"),
            flag(6, "CN.ABUSE", 7, night + 3_600_000L), // 00:30 the next day
        )
        val alerts = ViolationAlerts.group(flags).associateBy { it.key }
        assertEquals(4, alerts.size)
        val a = alerts.getValue("case:7@2025-03-28")
        assertEquals(3, a.count)
        assertEquals(listOf("CN.ABUSE", "CN.TIME.GBT"), a.rules)
        assertEquals(LocalDate.of(2025, 3, 28), a.day)
        assertEquals(1, alerts.getValue("case:7@2025-03-29").count)
        assertEquals("+8613344445555", alerts.getValue("number:+8613344445555@2025-03-28").who)
        assertEquals(ViolationAlerts.keyOf(flags[0]), ViolationAlerts.keyOf(flags[1]))
    }

    @Test
    fun `matched words are found anywhere in a flag's detail and highlighted case-insensitively`() {
        val detail = mapOf("check" to "content", "hits" to listOf(mapOf("words" to listOf("上门", "Police")), mapOf("words" to listOf("社死"))))
        assertEquals(listOf("上门", "Police", "社死"), Highlights.wordsOf(detail))
        assertEquals(listOf("上门", "Police", "社死"), Highlights.words(listOf(flag(1, "CN.ABUSE", 7, morning, detail), flag(2, "CN.ABUSE", 7, night, detail))))
        assertEquals(listOf(0..1, 9..14), Highlights.ranges("上门 和 the police", listOf("上门", "Police")))
        assertEquals(emptyList<IntRange>(), Highlights.ranges("nothing", listOf("", " ")))
    }

    @Test
    fun `the chart has a bar for every day from the first contact to the last`() {
        val days = listOf(DayCount("2025-03-26", 1, 2, 0, 1), DayCount("2025-03-28", 0, 0, 0, 2), DayCount("2025-03-29", 3, 0, 0, 0))
        assertEquals(
            listOf(LocalDate.of(2025, 3, 26) to 3, LocalDate.of(2025, 3, 27) to 0, LocalDate.of(2025, 3, 28) to 0, LocalDate.of(2025, 3, 29) to 3),
            CaseActions.chartDays(days),
        )
        assertEquals(emptyList<Pair<LocalDate, Int>>(), CaseActions.chartDays(emptyList()))
    }

    @Test
    fun `screening choices map to core's policy and survive preferences`() {
        val c = ScreeningChoice(ScreeningChoice.ThirdPartyAction.SILENCE, silenceOutsideHours = false, quietRejects = false)
        assertEquals(ScreenDecision.SILENCE, c.policy().thirdPartyCollectors)
        assertFalse(c.policy().silenceOutsideHours)
        assertFalse(c.responsePrefs().quietRejects)
        assertEquals(c, ScreeningChoice.from(c.toMap()::get))
        assertEquals(ScreeningChoice(), ScreeningChoice.from { "garbage" })
        assertEquals(ScreenDecision.ALLOW_AND_LOG, ScreeningChoice(ScreeningChoice.ThirdPartyAction.ALLOW).policy().thirdPartyCollectors)
    }

    @Test
    fun `JSON and CSV exports get names the provider serves`() {
        val json = ReportNames.forExport(morning, ZoneId.of("UTC"), ReportFormat.JSON)
        assertEquals("dunwatch-report-20250328-020000.json", json)
        assertTrue(ReportNames.isServable(json))
        val csv = ReportNames.forExport(morning, ZoneId.of("UTC"), ReportFormat.CSV)
        assertFalse(ReportNames.isServable(csv), "core writes NAME-events.csv and NAME-flags.csv, not NAME.csv")
        assertTrue(ReportNames.isServable(csv.removeSuffix(".csv") + "-events.csv"))
        assertTrue(ReportNames.isServable(csv.removeSuffix(".csv") + "-flags.csv"))
        val taken = setOf(csv.removeSuffix(".csv") + "-flags.csv")
        assertEquals(csv.removeSuffix(".csv") + "-2.csv", ReportNames.unique(csv) { it in taken })
        assertEquals("text/csv", ReportNames.mimeType("x-events.csv"))
        assertFalse(ReportNames.isServable("dunwatch-report-20250328-020000.sqlite"))
    }
}
