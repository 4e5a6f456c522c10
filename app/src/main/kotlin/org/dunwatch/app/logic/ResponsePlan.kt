package org.dunwatch.app.logic

import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.Screening

/**
 * What the call screening service tells the system, as plain data
 * (`CallScreeningService.CallResponse` is built from it by the adapter).
 */
data class ResponsePlan(
    val disallow: Boolean,
    val reject: Boolean,
    val silence: Boolean,
    val skipNotification: Boolean,
    val skipCallLog: Boolean,
) {
    companion object {
        val ALLOW = ResponsePlan(disallow = false, reject = false, silence = false, skipNotification = false, skipCallLog = false)
    }
}

/** The user's choices that shape a response beyond core's decision. */
data class ResponsePrefs(
    /** Hide the missed-call notification of a rejected collector call (the call log keeps it). */
    val quietRejects: Boolean = true,
)

object ResponsePlans {
    /**
     * Maps core's decision to a response. The call log entry is never skipped: it is part of the
     * evidence and the call-log sync reads the call's outcome from it.
     */
    fun forScreening(screening: Screening, prefs: ResponsePrefs = ResponsePrefs()): ResponsePlan = when (screening.decision) {
        ScreenDecision.ALLOW, ScreenDecision.ALLOW_AND_LOG -> ResponsePlan.ALLOW
        ScreenDecision.SILENCE -> ResponsePlan.ALLOW.copy(silence = true)
        ScreenDecision.REJECT -> ResponsePlan(
            disallow = true, reject = true, silence = false,
            skipNotification = prefs.quietRejects, skipCallLog = false,
        )
    }

    /** When screening fails (a broken store), the call rings: never block a call because of a bug. */
    fun onError(): ResponsePlan = ResponsePlan.ALLOW
}
