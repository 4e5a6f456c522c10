package org.dunwatch.robo

import android.app.AlertDialog
import android.content.DialogInterface
import android.widget.Button
import android.widget.Spinner
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowDialog

/** The case screen's own actions on the real store: remove a number (after a confirmation), merge two cases. */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class CaseScreenTest : RoboBase() {
    private fun caseScreen(caseName: String): MainActivity {
        Onboarding.markDone(app)
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        settle()
        a.openCaseId = store.cases().single { it.name == caseName }.id
        a.show(MainActivity.Tab.CASES)
        settle()
        return a
    }

    private fun removeButton(a: MainActivity, number: String): Button =
        ComponentsTest.findByDescription(a.window.decorView, a.getString(R.string.case_remove_number, number)) as? Button
            ?: error("no remove button for $number")

    @Test
    fun aNumberIsRemovedOnlyOnceConfirmed() {
        store.changeSettings(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"))
        store.tagNumber("+8617012345678", "速借金融")
        store.tagNumber("+8617198765432", "速借金融")
        val a = caseScreen("速借金融")

        // Cancelled: nothing changes.
        assertTrue(removeButton(a, "+8617198765432").performClick())
        var dialog = ShadowDialog.getLatestDialog() as AlertDialog
        assertTrue(dialog.isShowing)
        dialog.getButton(DialogInterface.BUTTON_NEGATIVE).performClick()
        settle()
        assertEquals(2, store.cases().single().numbers.size)

        assertTrue(removeButton(a, "+8617198765432").performClick())
        dialog = ShadowDialog.getLatestDialog() as AlertDialog
        dialog.getButton(DialogInterface.BUTTON_POSITIVE).performClick()
        settle()
        assertEquals(listOf("+8617012345678"), store.cases().single().numbers)
        assertEquals(
            a.getString(R.string.untagged, "+8617198765432", "速借金融"),
            a.findViewById<android.widget.TextView>(R.id.status).text.toString(),
        )
        // The screen shows the case without it.
        assertFalse(ComponentsTest.texts(a.window.decorView).contains("+8617198765432"))
    }

    @Test
    fun anotherCaseIsMergedIntoThisOne() {
        store.tagNumber("+8617012345678", "速借金融")
        store.tagNumber("+8616677778888", "花花分期")
        store.tagNumber("+8613344445555", "花花分期")
        val a = caseScreen("速借金融")
        val from = a.findViewById<Spinner>(R.id.merge_from)
        assertNotNull(from)
        from.setSelection(0)
        // Cancelled: nothing changes.
        ComponentsTest.click(a, a.getString(R.string.case_merge))
        var dialog = ShadowDialog.getLatestDialog() as AlertDialog
        assertTrue(dialog.isShowing)
        dialog.getButton(DialogInterface.BUTTON_NEGATIVE).performClick()
        settle()
        assertEquals(2, store.cases().size)
        ComponentsTest.click(a, a.getString(R.string.case_merge))
        dialog = ShadowDialog.getLatestDialog() as AlertDialog
        dialog.getButton(DialogInterface.BUTTON_POSITIVE).performClick()
        settle()
        val into = store.cases().single { it.name == "速借金融" }
        assertEquals(setOf("+8617012345678", "+8616677778888", "+8613344445555"), into.numbers.toSet())
        // The emptied case is gone from the list and the store remembers the old name.
        assertEquals(listOf("速借金融"), store.cases().map { it.name })
        assertEquals(listOf("花花分期"), into.merged)
        assertEquals(
            a.getString(R.string.merged, 2, "花花分期", "速借金融"),
            a.findViewById<android.widget.TextView>(R.id.status).text.toString(),
        )
        assertTrue(ComponentsTest.texts(a.window.decorView).contains(a.getString(R.string.case_merged_names, "花花分期")))
    }
}
