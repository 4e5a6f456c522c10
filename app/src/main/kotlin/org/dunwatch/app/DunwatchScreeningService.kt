package org.dunwatch.app

import android.telecom.Call
import android.telecom.CallScreeningService
import android.util.Log
import org.dunwatch.app.logic.CallScreening
import org.dunwatch.app.logic.Moments
import org.dunwatch.app.logic.ResponsePlan
import org.dunwatch.app.logic.ResponsePlans
import java.time.ZoneId

/**
 * Screens incoming calls once the user gave the app the call-screening role: asks core what to
 * do ([ResponsePlans] maps the answer), answers the system, then records the call and the
 * decision as evidence. The call-log sync later adds the call's outcome and duration.
 */
class DunwatchScreeningService : CallScreeningService() {
    override fun onScreenCall(details: Call.Details) {
        if (details.callDirection != Call.Details.DIRECTION_INCOMING) {
            respondToCall(details, build(ResponsePlan.ALLOW))
            return
        }
        val number = details.handle?.schemeSpecificPart.orEmpty()
        val at = Moments.at(System.currentTimeMillis(), ZoneId.systemDefault())
        val app = applicationContext
        Stores.screening.execute {
            val choice = ScreeningPrefs.load(app)
            val screening = try {
                CallScreening(Stores.get(app), choice.responsePrefs(), choice.policy())
            } catch (e: Exception) {
                Log.e(TAG, "store unavailable; letting the call ring", e)
                respondToCall(details, build(ResponsePlans.onError()))
                return@execute
            }
            val decision = screening.decide(number, at)
            decision.error?.let { Log.e(TAG, "screening failed; letting the call ring", it) }
            // Answer first: the system waits for us while the phone is about to ring.
            respondToCall(details, build(decision.plan))
            try {
                val rec = screening.record(number, at, decision)
                decision.screening?.let { s ->
                    val caseId = s.caseName?.let { name -> Stores.get(app).cases().firstOrNull { it.name == name }?.id }
                    Notifications.screened(app, s, caseId)
                }
                if (rec.newFlags > 0) Notifications.violationsFor(app, Stores.get(app), listOf(rec.id), at.utcMs)
                CallLogJobService.schedule(app)
            } catch (e: Exception) {
                Log.e(TAG, "could not record a screened call", e)
            }
        }
    }

    private fun build(plan: ResponsePlan): CallResponse = CallResponse.Builder()
        .setDisallowCall(plan.disallow)
        .setRejectCall(plan.reject)
        .setSilenceCall(plan.silence)
        .setSkipNotification(plan.skipNotification)
        .setSkipCallLog(plan.skipCallLog)
        .build()

    private companion object {
        const val TAG = "dunwatch"
    }
}
