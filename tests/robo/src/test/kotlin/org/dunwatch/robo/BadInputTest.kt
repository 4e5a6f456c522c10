package org.dunwatch.robo

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.provider.Telephony
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.dunwatch.core.SmsEvent
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.GraphicsMode

/** Refused permissions and role, an unreadable attachment, a huge SMS: a clear message, nothing lost. */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class BadInputTest : RoboBase() {
    private fun activity(): MainActivity {
        Onboarding.markDone(app)
        return Robolectric.buildActivity(MainActivity::class.java).setup().get().also { settle() }
    }

    private fun status(a: MainActivity) = a.findViewById<TextView>(R.id.status).text.toString()

    @Test
    fun refusedPermissionsAndRoleAreExplained() {
        val a = activity()
        a.onRequestPermissionsResult(
            MainActivity.REQ_PERMISSIONS,
            arrayOf(Manifest.permission.RECEIVE_SMS, Manifest.permission.READ_SMS, Manifest.permission.READ_CALL_LOG),
            intArrayOf(PackageManager.PERMISSION_DENIED, PackageManager.PERMISSION_DENIED, PackageManager.PERMISSION_DENIED),
        )
        assertEquals(a.getString(R.string.permissions_denied), status(a))
        // The history import without permissions says what to do instead of failing.
        a.show(MainActivity.Tab.EXPORT)
        ComponentsTest.click(a, a.getString(R.string.sync_calls))
        settle()
        assertEquals(a.getString(R.string.no_permission_sync), status(a))
    }

    @Test
    fun theScreeningRoleRefusedIsExplained() {
        val a = activity()
        val shadow = shadowOf(a)
        a.startActivityForResult(Intent("android.app.role.action.REQUEST_ROLE"), MainActivity.REQ_ROLE)
        shadow.receiveResult(shadow.nextStartedActivity, Activity.RESULT_CANCELED, null)
        assertEquals(a.getString(R.string.role_refused), status(a))
    }

    @Test
    fun anUnreadableAttachmentRecordsNothingAndSaysSo() {
        val a = activity()
        val before = store.verify().chains.sumOf { it.rows }
        a.show(MainActivity.Tab.EVIDENCE)
        ComponentsTest.click(a, a.getString(R.string.attach_file))
        val shadow = shadowOf(a)
        val pick = shadow.nextStartedActivity
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, pick.action)
        shadow.receiveResult(pick, Activity.RESULT_OK, Intent().setData(Uri.parse("content://nowhere.example/gone.m4a")))
        settle()
        assertTrue(status(a), status(a).startsWith(a.getString(R.string.attach_unreadable, "").substringBefore("（").substringBefore("(")))
        assertEquals(before, store.verify().chains.sumOf { it.rows })
    }

    @Test
    fun aHugeMultipartSmsIsKeptWhole() {
        val body = (1..30).joinToString("") { "第${it}段：逾期催收通知，请立即还款，否则后果自负。".padEnd(67, '。') }
        val intent = Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)
            .putExtra("pdus", Pdu.deliverLong("+8617012345678", body).toTypedArray<Any>())
            .putExtra("format", "3gpp")
        app.sendBroadcast(intent)
        settle()
        val sms = store.events().filterIsInstance<SmsEvent>()
        assertEquals(1, sms.size)
        assertEquals(body, sms[0].body)
    }
}
