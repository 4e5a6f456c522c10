package org.dunwatch.robo

import android.view.View
import android.view.ViewGroup
import android.widget.EditText
import android.widget.Spinner
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.GraphicsMode

/** The case screen's loan form: filled in, recorded, its rates and lines shown; bad input refused. */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class LoanScreenTest : RoboBase() {
    private fun caseScreen(jurisdiction: Jurisdiction = Jurisdiction.CN): MainActivity {
        Onboarding.markDone(app)
        // The CN pack, whose lines (24% / 36% for licensed lenders) this loan exceeds.
        store.changeSettings(Settings(jurisdiction, Role.BORROWER, "Asia/Shanghai"))
        val id = store.tagNumber("13800138000", "速借花").caseId
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get().also { settle() }
        a.openCaseId = id
        a.show(MainActivity.Tab.CASES)
        settle()
        return a
    }

    private fun type(a: MainActivity, id: Int, text: String) = a.findViewById<EditText>(id).setText(text)

    private fun texts(v: View): List<String> = when (v) {
        is ViewGroup -> (0 until v.childCount).flatMap { texts(v.getChildAt(it)) }
        is TextView -> listOf(v.text.toString())
        else -> emptyList()
    }

    private fun status(a: MainActivity) = a.findViewById<TextView>(R.id.status).text.toString()

    @Test
    fun aFilledFormRecordsTheLoanAndShowsItsRatesAndLines() {
        val a = caseScreen()
        fillAndSave(a)
        val loan = store.loan("速借花") ?: error("no loan stored")
        val rate = loan.assessment!!.annualRatePct
        val shown = texts(a.findViewById(R.id.loan_result))
        val pct = String.format(java.util.Locale.ROOT, "%.2f%%", rate)
        assertTrue(shown.toString(), shown.any { it.contains(pct) })
        val above = loan.assessment!!.lines.first { it.above }
        assertTrue(shown.toString(), shown.any { it.contains(above.rule) && it.contains(a.getString(R.string.loan_above)) })
        assertTrue(shown.toString(), shown.any { it == a.getString(R.string.source, above.source) })
    }

    private fun fillAndSave(a: MainActivity) {
        type(a, R.id.loan_received_date, "2025-01-01")
        type(a, R.id.loan_received_amount, "7000")
        type(a, R.id.loan_principal, "10000")
        type(a, R.id.loan_repaid, (1..12).joinToString("\n") { "%d-%02d-01:1000".format(2025 + it / 12, it % 12 + 1) })
        a.findViewById<Spinner>(R.id.loan_lender).setSelection(2) // licensed
        ComponentsTest.click(a, a.getString(R.string.loan_save))
        settle()
    }

    /** One language at a time: in Chinese the lines' legal sources are the pack's Chinese ones. */
    @Test
    fun inChineseTheLinesCiteTheirSourcesInChinese() {
        RuntimeEnvironment.setQualifiers("+zh-rCN")
        val a = caseScreen()
        fillAndSave(a)
        val above = store.loan("速借花")!!.assessment!!.lines.first { it.above }
        val zh = store.ruleTexts("zh").getValue(above.rule).source
        assertTrue(zh, zh.any { it in '\u4e00'..'\u9fff' })
        val shown = texts(a.findViewById(R.id.loan_result))
        assertTrue(shown.toString(), shown.any { it == a.getString(R.string.source, zh) })
    }

    /** A pack without a numeric cap says so, in the screen's language (Traditional here). */
    @Test
    fun theNoCapStatementIsInTheScreensLanguage() {
        RuntimeEnvironment.setQualifiers("+zh-rTW")
        val a = caseScreen(Jurisdiction.US)
        fillAndSave(a)
        val assessment = store.loan("速借花")!!.assessment!!
        val statement = assessment.noCap.getValue("zh-Hant")
        assertTrue(statement, statement.contains("聯邦"))
        // The US pack's only line (the Military Lending Act's 36%) does not apply to this borrower.
        assertEquals(emptyList<Any>(), assessment.lines)
        assertTrue(texts(a.findViewById(R.id.loan_result)).contains(statement))
    }

    @Test
    fun badInputIsExplainedAndStoresNothing() {
        val a = caseScreen()
        type(a, R.id.loan_received_date, "2025-01-01")
        type(a, R.id.loan_received_amount, "7000")
        type(a, R.id.loan_repaid, "2025-02-01:1000\n2025-02-30:1000")
        ComponentsTest.click(a, a.getString(R.string.loan_save))
        settle()
        val field = a.getString(R.string.loan_field_line, a.getString(R.string.loan_field_repaid), 2)
        assertEquals(a.getString(R.string.loan_bad_date, field, "2025-02-30:1000"), status(a))
        assertNull(store.loan("速借花"))
        // A form the app accepts but core refuses (a repayment before the money): core's refusal,
        // in the user's language (core's English text goes to the log only).
        type(a, R.id.loan_repaid, "2024-12-01:1000")
        ComponentsTest.click(a, a.getString(R.string.loan_save))
        settle()
        assertEquals(a.getString(R.string.error_refused), status(a))
        assertNull(store.loan("速借花"))
    }
}
