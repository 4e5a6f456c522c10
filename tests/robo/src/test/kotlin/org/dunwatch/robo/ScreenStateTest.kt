package org.dunwatch.robo

import android.os.Bundle
import android.widget.EditText
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.annotation.GraphicsMode
import java.io.File

/** Rotation and process death keep the screen's state; a store that cannot open is said plainly and calls ring. */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ScreenStateTest : RoboBase() {
    @Test
    fun rotationKeepsTheScreenAndWhatWasTyped() {
        Onboarding.markDone(app)
        store.tagNumber("+8617012345678", "速借金融")
        val controller = Robolectric.buildActivity(MainActivity::class.java).setup()
        settle()
        controller.get().show(MainActivity.Tab.EVIDENCE)
        controller.get().findViewById<EditText>(R.id.evidence_text).setText("他们打给了我的单位")
        controller.recreate()
        settle()
        val a = controller.get()
        assertEquals(MainActivity.Tab.EVIDENCE, a.tab)
        assertEquals("他们打给了我的单位", a.findViewById<EditText>(R.id.evidence_text).text.toString())
    }

    @Test
    fun processDeathKeepsTheOpenCaseAndTheTimelineFilter() {
        Onboarding.markDone(app)
        val case = store.tagNumber("+8617012345678", "速借金融").caseId!!
        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        settle()
        first.get().openCaseId = case
        first.get().timelineCaseId = case
        first.get().show(MainActivity.Tab.CASES)
        settle()
        val saved = Bundle()
        first.saveInstanceState(saved).pause().stop().destroy()
        killProcessStore()
        // A new process: the store opens again from its file; the saved state comes back.
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(saved)
        settle()
        val a = second.get()
        assertEquals(MainActivity.Tab.CASES, a.tab)
        assertEquals(case, a.openCaseId)
        assertEquals(case, a.timelineCaseId)
        assertTrue(ComponentsTest.texts(a.window.decorView).contains("+8617012345678"))
    }

    @Test
    fun edgeToEdgeTheBottomBarStaysAboveTheNavigationBar() {
        Onboarding.markDone(app)
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        val root = a.findViewById<android.view.View>(R.id.tabs).parent as android.view.View
        @Suppress("DEPRECATION")
        val insets = android.view.WindowInsets.Builder()
            .setSystemWindowInsets(android.graphics.Insets.of(12, 63, 20, 126))
            .build()
        root.dispatchApplyWindowInsets(insets)
        assertEquals(listOf(12, 0, 20, 126), listOf(root.paddingLeft, root.paddingTop, root.paddingRight, root.paddingBottom))
    }

    @Test
    fun aStoreThatCannotOpenIsShownAndKeptAndCallsRing() {
        killProcessStore()
        val file = File(app.noBackupFilesDir, "evidence.sqlite")
        file.parentFile!!.mkdirs()
        val junk = ByteArray(8192) { (it * 31).toByte() }
        file.writeBytes(junk)
        Onboarding.markDone(app)
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        settle()
        val status = a.findViewById<TextView>(R.id.status).text.toString()
        val expected = a.getString(R.string.store_error, "").substringBefore("()")
        assertTrue("status: $status", status.startsWith(expected))
        assertArrayEquals("the file is left as it was", junk, file.readBytes())

        assumeTrue(android.os.Build.VERSION.SDK_INT == 29)
        val telecom = Telecom(app)
        telecom.ring("+8617012345678")
        settle()
        assertEquals(listOf("allow call-1"), telecom.adapter.answers)
    }

}
