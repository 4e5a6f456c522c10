package org.dunwatch.robo

import android.Manifest
import android.app.NotificationManager
import android.content.Intent
import android.os.Build
import android.provider.Telephony
import android.widget.Button
import android.widget.TextView
import android.view.View
import android.view.ViewGroup
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Notifications
import org.dunwatch.app.Onboarding
import org.dunwatch.app.ScreeningPrefs
import org.dunwatch.app.SmsHistorySync
import org.dunwatch.app.Stores
import org.dunwatch.app.logic.ScreeningChoice
import org.dunwatch.core.CallDirection
import org.dunwatch.core.CallEvent
import org.dunwatch.core.EventQuery
import org.dunwatch.core.FlagQuery
import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.dunwatch.core.SmsEvent
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.GraphicsMode

/** The manifest-registered components, driven the way the system drives them, over the real store. */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ComponentsTest : RoboBase() {
    private val collector = "+8617012345678"
    private val threat = "速借金融：再不还款，明天上门找你家人，让你全家社死，后果自负！"

    @Before
    fun chinaBorrower() {
        store.changeSettings(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"))
    }

    private fun deliverSms(number: String, body: String) {
        val intent = Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)
            .putExtra("pdus", arrayOf<Any>(Pdu.deliver(number, body)))
            .putExtra("format", "3gpp")
        assertTrue(
            "SmsReceiver is registered for SMS_RECEIVED in the manifest",
            shadowOf(app).getReceiversForIntent(intent).any { it.javaClass.simpleName == "SmsReceiver" },
        )
        app.sendBroadcast(intent)
        settle()
    }

    private fun violationNotifications() = shadowOf(app.getSystemService(NotificationManager::class.java)).allNotifications
        .filter { it.channelId == Notifications.VIOLATIONS }

    @Test
    fun collectorSmsIsRecordedFlaggedAndNotifiedOncePerCollectorPerDay() {
        store.tagNumber(collector, "速借金融")
        deliverSms(collector, threat)
        val sms = store.events().filterIsInstance<SmsEvent>()
        assertEquals(1, sms.size)
        assertEquals(threat, sms[0].body)
        val flags = store.flags(FlagQuery(eventId = sms[0].id))
        assertTrue("a threat breaks a rule: $flags", flags.isNotEmpty())
        assertEquals(1, violationNotifications().size)

        deliverSms(collector, "速借金融：最后通知，今天不还就通知你单位和通讯录所有人！")
        assertEquals(2, store.events().filterIsInstance<SmsEvent>().size)
        val posted = violationNotifications()
        assertEquals("one notification per collector per day, updated", 1, posted.size)
        val text = posted[0].extras.getCharSequence("android.text").toString()
        val todays = store.flags(FlagQuery(caseId = store.cases().single().id)).size
        assertTrue("the notification counts today's $todays violations: $text", text.startsWith("$todays "))

        // A tap opens the collector's case.
        val tap = shadowOf(posted[0].contentIntent).savedIntent
        assertEquals(MainActivity::class.java.name, tap.component?.className)
        val caseId = store.cases().single().id
        assertEquals(caseId, tap.getLongExtra(Notifications.EXTRA_CASE, -1))
        Onboarding.markDone(app)
        val activity = Robolectric.buildActivity(MainActivity::class.java, tap).setup().get()
        settle()
        assertEquals(MainActivity.Tab.CASES, activity.tab)
        assertEquals(caseId, activity.openCaseId)
        assertTrue(texts(activity.window.decorView).contains("速借金融"))
    }

    @Test
    fun familyPhoneRejectsATaggedCollectorAndRecordsTheDecision() {
        assumeTrue("telecom's hidden binder API used here is API 29's", Build.VERSION.SDK_INT == 29)
        store.changeSettings(Settings(Jurisdiction.CN, Role.FAMILY, "Asia/Shanghai"))
        store.tagNumber(collector, "速借金融")
        val telecom = Telecom(app)
        telecom.ring(collector)
        settle()
        assertEquals(listOf("disallow call-1 reject=true notify=false"), telecom.adapter.answers)
        val calls = store.events().filterIsInstance<CallEvent>()
        assertEquals(1, calls.size)
        assertEquals(CallDirection.INCOMING, calls[0].direction)
        // The decision is kept with the call, and a family member's phone: a third-party violation.
        assertTrue(store.flags(FlagQuery(eventId = calls[0].id)).any { it.rule == "CN.TP" })
        val screened = shadowOf(app.getSystemService(NotificationManager::class.java)).allNotifications
            .filter { it.channelId == Notifications.SCREENED }
        assertEquals(1, screened.size)

        // Policy "silence" for third-party phones: the next call is silenced, not rejected.
        ScreeningPrefs.save(app, ScreeningChoice(thirdParty = ScreeningChoice.ThirdPartyAction.SILENCE))
        telecom.ring(collector, "call-2")
        settle()
        assertEquals("silence call-2", telecom.adapter.answers.last())
        // An unknown number rings.
        telecom.ring("+8613911112222", "call-3")
        settle()
        assertEquals("allow call-3", telecom.adapter.answers.last())
        assertEquals(3, store.events().filterIsInstance<CallEvent>().size)
    }

    @Test
    fun callLogJobAddsTheCallsOutcome() {
        shadowOf(app).grantPermissions(Manifest.permission.READ_CALL_LOG, Manifest.permission.READ_SMS)
        Providers.install()
        val start = System.currentTimeMillis() - 120_000
        val live = store.recordCall(collector, CallDirection.INCOMING, org.dunwatch.core.Moment.of(start, java.time.ZoneId.systemDefault()))
        FakeCallLogProvider.CALLS += arrayOf<Any?>(7L, collector, 3 /* MISSED */, start + 1_000, 0L)
        JobRunner.run(app)
        settle()
        val call = store.events(EventQuery(number = collector)).filterIsInstance<CallEvent>().single()
        assertEquals(live.id, call.id)
        assertEquals(CallDirection.MISSED, call.direction)
        assertTrue("the job re-arms itself", JobRunner.pending(app))
    }

    @Test
    fun callLogJobNotifiesTheViolationsOfTheCallsItRecordsGroupedPerCollectorPerDay() {
        store.changeSettings(Settings(Jurisdiction.CN, Role.FAMILY, "Asia/Shanghai"))
        store.tagNumber(collector, "速借金融")
        shadowOf(app).grantPermissions(Manifest.permission.READ_CALL_LOG, Manifest.permission.READ_SMS)
        Providers.install()
        val now = System.currentTimeMillis()
        // Two missed calls from the collector to a family member's phone (each a third-party
        // contact), and one from an unknown number.
        FakeCallLogProvider.CALLS += arrayOf<Any?>(8L, collector, 3 /* MISSED */, now - 600_000, 0L)
        FakeCallLogProvider.CALLS += arrayOf<Any?>(9L, collector, 3, now - 300_000, 0L)
        FakeCallLogProvider.CALLS += arrayOf<Any?>(10L, "+8613911112222", 3, now - 200_000, 0L)
        JobRunner.run(app)
        settle()
        assertEquals(3, store.events().filterIsInstance<CallEvent>().size)
        val posted = violationNotifications()
        assertEquals("one notification for the collector's day, not one per call", 1, posted.size)
        val caseId = store.cases().single().id
        assertEquals(caseId, shadowOf(posted[0].contentIntent).savedIntent.getLongExtra(Notifications.EXTRA_CASE, -1))
        val todays = store.flags(FlagQuery(caseId = caseId)).size
        val text = posted[0].extras.getCharSequence("android.text").toString()
        assertTrue("counts the day's $todays violations: $text", todays >= 1 && text.startsWith("$todays "))
    }

    @Test
    fun historyImportRecordsThePhonesMessagesOnceAndTheScreenSaysSo() {
        shadowOf(app).grantPermissions(Manifest.permission.READ_CALL_LOG, Manifest.permission.READ_SMS)
        Providers.install()
        Providers.loadExampleExport()
        Onboarding.markDone(app)
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        activity.show(MainActivity.Tab.EXPORT)
        click(activity, activity.getString(org.dunwatch.R.string.sync_calls))
        settle()
        val events = store.eventCount()
        assertEquals("59 SMS (the MMS is not in the SMS provider) and 146 calls", 59L + 146L, events)
        val status = activity.findViewById<TextView>(org.dunwatch.R.id.status).text.toString()
        assertEquals(activity.getString(org.dunwatch.R.string.synced, 59, 146, 0), status)
        // Again: nothing new (the cursor), and even from scratch nothing is stored twice.
        app.getSharedPreferences("sms_history", 0).edit().clear().commit()
        assertNotNull(SmsHistorySync.run(app))
        assertEquals(events, store.eventCount())
        assertTrue(store.flags(FlagQuery(limit = 1000)).isNotEmpty())
        assertTrue(Stores.get(app) === store)
    }

    companion object {
        fun texts(v: View): List<String> = when (v) {
            is TextView -> listOf(v.text.toString())
            is ViewGroup -> (0 until v.childCount).flatMap { texts(v.getChildAt(it)) }
            else -> emptyList()
        }

        fun find(v: View, text: String): View? = when {
            v is TextView && v.text.toString() == text -> v
            v is ViewGroup -> (0 until v.childCount).firstNotNullOfOrNull { find(v.getChildAt(it), text) }
            else -> null
        }

        fun findByDescription(v: View, description: String): View? = when {
            v.contentDescription?.toString() == description -> v
            v is ViewGroup -> (0 until v.childCount).firstNotNullOfOrNull { findByDescription(v.getChildAt(it), description) }
            else -> null
        }

        fun click(activity: MainActivity, label: String) {
            val b = find(activity.window.decorView, label) as? Button ?: error("no button \"$label\"")
            assertTrue(b.performClick())
        }
    }
}
