package org.dunwatch.robo

import android.content.Intent
import android.os.Build
import android.provider.Telephony
import android.widget.EditText
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.dunwatch.core.DunwatchException
import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Moment
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.dunwatch.core.SmsDirection
import org.dunwatch.core.SmsEvent
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowLog

/**
 * A full disk (the real store, its file capped so SQLite answers SQLITE_FULL): the screen says so
 * in the user's words, the SMS receiver and the screening service let the message and the call
 * through without crashing, and what was stored before is intact once space is back.
 */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class DiskFullTest : RoboBase() {
    private val collector = "+8617012345678"

    /**
     * Caps the store and fills what free space the file still has (writes free and reuse pages:
     * flags are re-derived), with ever shorter messages and notes, until a whole pass of them
     * stores nothing: then every write that needs space fails as a full disk.
     */
    private fun fillDisk() {
        store.debugLimitPages(0)
        val start = System.currentTimeMillis() - 86_400_000
        var n = 0
        fun fits(write: () -> Unit): Boolean = try {
            write()
            true
        } catch (e: DunwatchException) {
            assertEquals(DunwatchException.Kind.STORAGE_FULL, e.kind)
            false
        }
        for (pass in 0 until 10) {
            var stored = 0
            for (size in listOf(3000, 1000, 300, 30)) {
                while (n < 5000 && fits { n++; store.recordSms("+8613911112222", "$n " + "满".repeat(size), SmsDirection.INCOMING, Moment.of(start + n * 1000L)) }) stored++
                while (n < 5000 && fits { n++; store.addNote("$n " + "满".repeat(size), Moment.of(start + n * 1000L)) }) stored++
            }
            if (stored == 0) return
        }
        error("the capped store never filled up")
    }

    @Test
    fun aFullDiskIsExplainedAndTheSmsAndTheCallGoThrough() {
        store.changeSettings(Settings(Jurisdiction.CN, Role.FAMILY, "Asia/Shanghai"))
        store.tagNumber(collector, "速借金融")
        fillDisk()
        val kept = store.verify().chains.sumOf { it.rows }
        val events = store.eventCount()

        // The screen: a note that needs space gets the full-disk message, in the user's language.
        Onboarding.markDone(app)
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        settle()
        a.show(MainActivity.Tab.EVIDENCE)
        a.findViewById<EditText>(R.id.evidence_text).setText("催收员今天打了二十次电话。".repeat(200))
        ComponentsTest.click(a, a.getString(R.string.add_note))
        settle()
        assertEquals(a.getString(R.string.disk_full), a.findViewById<TextView>(R.id.status).text.toString())

        // A long SMS arrives: the receiver fails to store it, says so in the log, and finishes.
        ShadowLog.clear()
        val body = (1..30).joinToString("") { "磁盘满时第${it}段：逾期通知，请立即还款。".padEnd(67, '。') }
        app.sendBroadcast(
            Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)
                .putExtra("pdus", Pdu.deliverLong(collector, body).toTypedArray<Any>())
                .putExtra("format", "3gpp"),
        )
        settle()
        assertEquals(events, store.eventCount())
        assertTrue(ShadowLog.getLogsForTag("dunwatch").any { it.msg.contains("could not record an SMS") })

        // The collector calls the family member: screening still answers (reads need no space).
        if (Build.VERSION.SDK_INT == 29) {
            val telecom = Telecom(app)
            telecom.ring(collector)
            settle()
            assertEquals(listOf("disallow call-1 reject=true notify=false"), telecom.adapter.answers)
        }

        // Space is back (the cap belongs to the open store): the evidence before is intact.
        killProcessStore()
        val report = store.verify()
        assertTrue(report.ok)
        // (The screened call's small record may have fitted; nothing else was added, nothing lost.)
        assertTrue("what was stored before the disk filled is all there", report.chains.sumOf { it.rows } in kept..kept + 1)
        assertTrue(store.events().filterIsInstance<SmsEvent>().none { it.body == body })
        // The failed message is not remembered as seen: delivered again, it is stored.
        app.sendBroadcast(
            Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)
                .putExtra("pdus", Pdu.deliverLong(collector, body).toTypedArray<Any>())
                .putExtra("format", "3gpp"),
        )
        settle()
        assertEquals(1, store.events().filterIsInstance<SmsEvent>().count { it.body == body })
    }
}
