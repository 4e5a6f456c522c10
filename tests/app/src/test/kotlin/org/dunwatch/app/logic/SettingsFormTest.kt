package org.dunwatch.app.logic

import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

class SettingsFormTest {
    @Test
    fun `valid input becomes settings with the zone as typed`() {
        assertEquals(SettingsForm.Result.Ok(Settings(Jurisdiction.US, Role.FAMILY, "America/Chicago")), SettingsForm.parse(1, 1, " America/Chicago "))
        assertEquals(SettingsForm.Result.Ok(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai")), SettingsForm.parse(0, 0, "Asia/Shanghai"))
    }

    @Test
    fun `bad input is refused with a message`() {
        for ((j, r, z) in listOf(Triple(-1, 0, "UTC"), Triple(Jurisdiction.entries.size, 0, "UTC"), Triple(0, 5, "UTC"), Triple(0, 0, "  "), Triple(0, 0, "Mars/Olympus"), Triple(0, 0, "+99:00"))) {
            val res = SettingsForm.parse(j, r, z)
            assertTrue(res is SettingsForm.Result.Invalid, "$j $r '$z' gave $res")
        }
    }

    @Test
    fun `positions round-trip`() {
        for (j in Jurisdiction.entries) for (r in Role.entries) {
            val s = Settings(j, r, "UTC")
            val (jp, rp) = SettingsForm.positions(s)
            assertEquals(SettingsForm.Result.Ok(s), SettingsForm.parse(jp, rp, "UTC"))
        }
    }

    @Test
    fun `the screen's lists have one entry per jurisdiction and role, in enum order`() {
        val strings = File(System.getProperty("dunwatch.manifest")).resolveSibling("res/values/strings.xml").readText()
        fun items(name: String) = Regex("<string-array name=\"$name\">(.*?)</string-array>", RegexOption.DOT_MATCHES_ALL)
            .find(strings)!!.groupValues[1].split("<item>").drop(1).map { it.substringBefore("</item>") }
        val js = items("jurisdictions")
        assertEquals(Jurisdiction.entries.size, js.size)
        assertTrue(js[Jurisdiction.CN.ordinal].startsWith("China") && js[Jurisdiction.US.ordinal].startsWith("United States") && js[Jurisdiction.IN.ordinal].startsWith("India") &&
            js[Jurisdiction.UK.ordinal].startsWith("United Kingdom") && js[Jurisdiction.PH.ordinal].startsWith("Philippines"))
        val rs = items("roles")
        assertEquals(Role.entries.size, rs.size)
        assertTrue(rs[Role.BORROWER.ordinal].contains("borrower") && rs[Role.EMERGENCY_CONTACT.ordinal].contains("emergency contact", ignoreCase = true))
    }
}
