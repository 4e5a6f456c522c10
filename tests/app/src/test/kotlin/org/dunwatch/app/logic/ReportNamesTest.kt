package org.dunwatch.app.logic

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.ZoneId

class ReportNamesTest {
    // 2026-03-15T13:30:05Z
    private val at = 1_773_581_405_000L

    @Test
    fun `names carry the local time of the export`() {
        assertEquals("dunwatch-report-20260315-213005.html", ReportNames.forExport(at, ZoneId.of("Asia/Shanghai")))
        assertEquals("dunwatch-report-20260315-093005.html", ReportNames.forExport(at, ZoneId.of("America/New_York")))
    }

    @Test
    fun `a taken name gets the first free suffix`() {
        val taken = setOf("dunwatch-report-20260315-213005.html", "dunwatch-report-20260315-213005-2.html")
        assertEquals("dunwatch-report-20260315-213005-3.html", ReportNames.unique("dunwatch-report-20260315-213005.html") { it in taken })
        assertEquals("dunwatch-report-20260315-213006.html", ReportNames.unique("dunwatch-report-20260315-213006.html") { it in taken })
    }

    @Test
    fun `the provider serves export names only`() {
        val name = ReportNames.forExport(at, ZoneId.of("UTC"))
        assertTrue(ReportNames.isServable(name))
        assertTrue(ReportNames.isServable(ReportNames.unique(name) { it == name }))
        for (bad in listOf("../evidence.sqlite", "evidence.sqlite", "dunwatch-report-20260315-213005.html/../x",
            "dunwatch-report-20260315-213005.sqlite", "a/dunwatch-report-20260315-213005.html", "", "dunwatch-report-.html")) {
            assertFalse(ReportNames.isServable(bad), bad)
        }
    }
}
