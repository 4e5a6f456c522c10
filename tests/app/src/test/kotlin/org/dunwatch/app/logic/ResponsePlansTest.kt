package org.dunwatch.app.logic

import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.Screening
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class ResponsePlansTest {
    private fun s(d: ScreenDecision) = Screening(d, "why", "CN.TIME.NIFA", "loan A", "+8613800138000")

    @Test
    fun `allow and allow-and-log ring normally`() {
        for (d in listOf(ScreenDecision.ALLOW, ScreenDecision.ALLOW_AND_LOG)) {
            assertEquals(ResponsePlan(false, false, false, false, false), ResponsePlans.forScreening(s(d)))
        }
    }

    @Test
    fun `silence only silences`() {
        assertEquals(ResponsePlan(false, false, true, false, false), ResponsePlans.forScreening(s(ScreenDecision.SILENCE)))
    }

    @Test
    fun `reject disallows and rejects, keeps the call log entry, and hides the notification as the user chose`() {
        assertEquals(
            ResponsePlan(disallow = true, reject = true, silence = false, skipNotification = true, skipCallLog = false),
            ResponsePlans.forScreening(s(ScreenDecision.REJECT)),
        )
        assertEquals(
            ResponsePlan(disallow = true, reject = true, silence = false, skipNotification = false, skipCallLog = false),
            ResponsePlans.forScreening(s(ScreenDecision.REJECT), ResponsePrefs(quietRejects = false)),
        )
    }

    @Test
    fun `every decision keeps the call log and a failure lets the call ring`() {
        for (d in ScreenDecision.entries) assertEquals(false, ResponsePlans.forScreening(s(d)).skipCallLog, d.name)
        assertEquals(ResponsePlan.ALLOW, ResponsePlans.onError())
    }
}
