package org.dunwatch.app.logic

import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.time.ZoneId

class FirstRunTest {
    @Test
    fun `the phone's country picks the rule pack and its zone the home zone`() {
        assertEquals(Settings(Jurisdiction.US, Role.BORROWER, "America/Chicago"), FirstRun.settings("us", ZoneId.of("America/Chicago")))
        assertEquals(Settings(Jurisdiction.IN, Role.BORROWER, "Asia/Kolkata"), FirstRun.settings(" IN", ZoneId.of("Asia/Kolkata")))
        assertEquals(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"), FirstRun.settings("CN", ZoneId.of("Asia/Shanghai")))
        assertEquals(Settings(Jurisdiction.UK, Role.BORROWER, "Europe/London"), FirstRun.settings("gb", ZoneId.of("Europe/London")))
        assertEquals(Jurisdiction.PH, FirstRun.settings("PH", ZoneId.of("Asia/Manila")).jurisdiction)
        assertEquals(Jurisdiction.CN, FirstRun.settings(null, ZoneId.of("UTC")).jurisdiction)
        assertEquals(Jurisdiction.CN, FirstRun.settings("", ZoneId.of("UTC")).jurisdiction)
    }
}
