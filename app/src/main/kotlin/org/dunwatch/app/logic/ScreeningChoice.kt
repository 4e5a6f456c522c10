package org.dunwatch.app.logic

import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.ScreenPolicy

/**
 * The screening choices of the Settings screen. On a third party's phone (family, friend,
 * colleague, emergency contact) a known collector's call is allowed (and recorded), silenced or
 * rejected; on the borrower's phone calls ring, silenced outside the permitted hours, over the
 * day's cap or after a stop request, as chosen. Quiet rejects hide the missed-call notification.
 */
data class ScreeningChoice(
    val thirdParty: ThirdPartyAction = ThirdPartyAction.REJECT,
    val silenceOutsideHours: Boolean = true,
    val silenceOverCap: Boolean = true,
    val silenceAfterStop: Boolean = true,
    val quietRejects: Boolean = true,
) {
    enum class ThirdPartyAction(val decision: ScreenDecision) {
        ALLOW(ScreenDecision.ALLOW_AND_LOG), SILENCE(ScreenDecision.SILENCE), REJECT(ScreenDecision.REJECT),
    }

    fun policy(): ScreenPolicy = ScreenPolicy(thirdParty.decision, silenceOutsideHours, silenceOverCap, silenceAfterStop)

    fun responsePrefs(): ResponsePrefs = ResponsePrefs(quietRejects)

    /** As flat key/value pairs for preferences; [from] reads them back (unknown values: defaults). */
    fun toMap(): Map<String, String> = mapOf(
        "third_party" to thirdParty.name,
        "outside_hours" to silenceOutsideHours.toString(),
        "over_cap" to silenceOverCap.toString(),
        "after_stop" to silenceAfterStop.toString(),
        "quiet_rejects" to quietRejects.toString(),
    )

    companion object {
        fun from(get: (String) -> String?): ScreeningChoice {
            val d = ScreeningChoice()
            fun flag(k: String, def: Boolean) = get(k)?.toBooleanStrictOrNull() ?: def
            return ScreeningChoice(
                thirdParty = ThirdPartyAction.entries.firstOrNull { it.name == get("third_party") } ?: d.thirdParty,
                silenceOutsideHours = flag("outside_hours", d.silenceOutsideHours),
                silenceOverCap = flag("over_cap", d.silenceOverCap),
                silenceAfterStop = flag("after_stop", d.silenceAfterStop),
                quietRejects = flag("quiet_rejects", d.quietRejects),
            )
        }
    }
}
