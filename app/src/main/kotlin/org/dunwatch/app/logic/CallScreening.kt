package org.dunwatch.app.logic

import org.dunwatch.core.CallDirection
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.Moment
import org.dunwatch.core.Recorded
import org.dunwatch.core.ScreenPolicy
import org.dunwatch.core.Screening
import org.dunwatch.core.Source

/** The screening service's work: decide, then keep the call and the decision as evidence. */
class CallScreening(
    private val store: DunwatchStore,
    private val prefs: ResponsePrefs = ResponsePrefs(),
    /** The user's policy; null: core's default. */
    private val policy: ScreenPolicy? = null,
) {
    /** Core's decision (null when screening failed) and the response to give. Never throws. */
    data class Decision(val screening: Screening?, val plan: ResponsePlan, val error: Exception? = null)

    fun decide(number: String, at: Moment): Decision = try {
        val s = store.screenCall(number, at, policy)
        Decision(s, ResponsePlans.forScreening(s, prefs))
    } catch (e: Exception) {
        Decision(null, ResponsePlans.onError(), e)
    }

    /**
     * Records the incoming call as seen live (the call-log sync adds its outcome later) and, for a
     * new record, a note with the decision and its reason, attached to the call.
     */
    fun record(number: String, at: Moment, decision: Decision): Recorded {
        val rec = store.recordCall(number, CallDirection.INCOMING, at, source = Source.LIVE)
        val s = decision.screening
        if (s != null && rec.isNew) {
            val why = s.rule?.let { "${s.reason} ($it)" } ?: s.reason
            store.addNote("screening: ${s.decision.code}: $why", at, s.caseName, rec.id)
        }
        return rec
    }
}
