package org.dunwatch.app

import android.view.View
import android.widget.ArrayAdapter
import android.widget.LinearLayout
import org.dunwatch.R
import org.dunwatch.app.logic.CaseActions
import org.dunwatch.app.logic.LoanForm
import org.dunwatch.app.logic.TagForm
import org.dunwatch.core.Case
import org.dunwatch.core.CasePage
import org.dunwatch.core.Lender
import org.dunwatch.core.RuleText
import org.dunwatch.core.StoredLoan

/**
 * Cases: the list, and core's page of one case: its numbers (each removable, after a
 * confirmation), counts, contacts per day (a bar chart and its text), violations by rule with
 * their description and legal source in the user's language; its loan (what it really costs against the legal
 * lines, and a form to record it); add a number; merge another case into it.
 */
class CaseScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val body = LinearLayout(host).apply { orientation = LinearLayout.VERTICAL }
    private val number = ui.field(R.id.tag_number, host.getString(R.string.case_add_hint)).apply {
        inputType = android.text.InputType.TYPE_CLASS_PHONE
    }
    private val caseName = ui.field(R.id.tag_case, host.getString(R.string.case_name_hint))
    private val mergeFrom = ui.spinner(R.id.merge_from, emptyList(), host.getString(R.string.case_merge_title))
    private val loanDate = ui.field(R.id.loan_received_date, host.getString(R.string.loan_received_date_hint))
    private val loanAmount = ui.field(R.id.loan_received_amount, host.getString(R.string.loan_received_amount_hint)).apply {
        inputType = android.text.InputType.TYPE_CLASS_NUMBER or android.text.InputType.TYPE_NUMBER_FLAG_DECIMAL
    }
    private val loanPrincipal = ui.field(R.id.loan_principal, host.getString(R.string.loan_principal_hint)).apply {
        inputType = android.text.InputType.TYPE_CLASS_NUMBER or android.text.InputType.TYPE_NUMBER_FLAG_DECIMAL
    }
    private val loanRepaid = ui.field(R.id.loan_repaid, host.getString(R.string.loan_repaid_hint), multiLine = true)
    private val loanFees = ui.field(R.id.loan_fees, host.getString(R.string.loan_fees_hint), multiLine = true)
    private val lenders = listOf(Lender.UNKNOWN, Lender.PRIVATE, Lender.LICENSED)
    private val loanLender = ui.spinner(
        R.id.loan_lender,
        listOf(R.string.loan_lender_unknown, R.string.loan_lender_private, R.string.loan_lender_licensed).map { host.getString(it) },
        host.getString(R.string.loan_lender_label),
    )

    override val view: View = ui.column().apply {
        addView(body)
        addView(ui.subtitle(host.getString(R.string.case_add)))
        addView(number)
        addView(caseName)
        addView(ui.button(host.getString(R.string.case_add)) { tag() })
    }

    override fun load() {
        val id = host.openCaseId
        host.work({ store ->
            val cases = store.cases()
            val open = cases.firstOrNull { it.id == id }
            val loan = open?.let { store.loan(it.name) }
            Triple(cases, open?.let { store.casePage(it.id) }, store.ruleTexts(host.textLanguage)) to loan
        }, quiet = true) { (t, loan) ->
            val (cases, page, texts) = t
            body.removeAllViews()
            if (page == null) list(cases) else detail(page, texts, cases.filter { it.id != page.case.id }, loan)
            null
        }
    }

    private fun list(cases: List<Case>) {
        body.addView(ui.title(host.getString(R.string.tab_cases)))
        if (cases.isEmpty()) body.addView(ui.body(host.getString(R.string.cases_empty)))
        for (c in cases) {
            body.addView(
                ui.card().apply {
                    addView(ui.subtitle(c.name))
                    addView(ui.small(c.numbers.joinToString(", ")))
                    minimumHeight = ui.dp(48)
                    isClickable = true
                    isFocusable = true
                    contentDescription = host.getString(R.string.case_open, c.name)
                    setOnClickListener { host.openCaseId = c.id; host.render() }
                },
            )
        }
    }

    private fun detail(p: CasePage, texts: Map<String, RuleText>, others: List<Case>, loan: StoredLoan?) {
        caseName.setText(p.case.name)
        body.addView(ui.button(host.getString(R.string.case_back)) { host.openCaseId = null; host.render() })
        body.addView(ui.title(p.case.name))
        if (p.case.merged.isNotEmpty()) {
            body.addView(ui.small(host.getString(R.string.case_merged_names, p.case.merged.joinToString(", "))))
        }
        body.addView(ui.body(host.getString(R.string.counts, p.days.sumOf { it.calls }, p.days.sumOf { it.connected }, p.days.sumOf { it.sms })))
        body.addView(ui.subtitle(host.getString(R.string.case_numbers)))
        for (n in p.case.numbers) body.addView(numberRow(n, p.case))
        body.addView(ui.subtitle(host.getString(R.string.case_chart_title)))
        val perDay = CaseActions.chartDays(p.days)
        if (perDay.isNotEmpty()) {
            val peak = perDay.maxBy { it.second }
            val text = host.getString(R.string.case_chart_text, perDay.size, perDay.first().first.toString(), perDay.last().first.toString(), peak.second, peak.first.toString())
            body.addView(DayChart(host).apply { id = R.id.chart; setDays(perDay); contentDescription = text })
            body.addView(ui.small(text))
        } else {
            body.addView(ui.body(host.getString(R.string.none_yet)))
        }
        body.addView(ui.subtitle(host.getString(R.string.case_rules_title)))
        if (p.rules.isEmpty()) body.addView(ui.body(host.getString(R.string.none_yet)))
        for (r in p.rules) {
            val text = texts[r.rule]
            body.addView(
                ui.card().apply {
                    addView(ui.body(host.getString(R.string.case_rule_line, r.rule, r.count)))
                    text?.let { addView(ui.small(it.description)) }
                    addView(ui.small(host.getString(R.string.source, text?.source ?: r.source)))
                },
            )
        }
        loanSection(p.case.name, loan, texts)
        if (others.isNotEmpty()) {
            body.addView(ui.subtitle(host.getString(R.string.case_merge_title)))
            mergeFrom.adapter = ArrayAdapter(host, android.R.layout.simple_spinner_dropdown_item, others.map { it.name })
            body.addView(mergeFrom)
            body.addView(
                ui.button(host.getString(R.string.case_merge)) {
                    val from = others.getOrNull(mergeFrom.selectedItemPosition) ?: return@button
                    confirmMerge(from, p.case)
                },
            )
        }
    }

    /** One number of the case, with a button that removes it from the case once confirmed. */
    private fun numberRow(number: String, case: Case) = LinearLayout(host).apply {
        orientation = LinearLayout.HORIZONTAL
        gravity = android.view.Gravity.CENTER_VERTICAL
        addView(
            ui.body(number).apply { setTextIsSelectable(true) },
            LinearLayout.LayoutParams(0, android.view.ViewGroup.LayoutParams.WRAP_CONTENT, 1f),
        )
        addView(
            ui.button(host.getString(R.string.case_remove)) { confirmUntag(number, case) }.apply {
                contentDescription = host.getString(R.string.case_remove_number, number)
            },
        )
    }

    /** A merge cannot be undone (the old name keeps meaning the merged case): asked first. */
    private fun confirmMerge(from: Case, into: Case) {
        android.app.AlertDialog.Builder(host)
            .setTitle(host.getString(R.string.case_merge_confirm_title, from.name, into.name))
            .setMessage(host.getString(R.string.case_merge_confirm_message, from.name, from.numbers.size, into.name))
            .setPositiveButton(R.string.case_merge) { _, _ ->
                host.work({ CaseActions.merge(it, from, into) }) { n ->
                    host.render()
                    host.getString(R.string.merged, n, from.name, into.name)
                }
            }
            .setNegativeButton(android.R.string.cancel, null)
            .show()
    }

    private fun confirmUntag(number: String, case: Case) {
        android.app.AlertDialog.Builder(host)
            .setTitle(host.getString(R.string.case_remove_title, number))
            .setMessage(host.getString(R.string.case_remove_message, number, case.name))
            .setPositiveButton(R.string.case_remove) { _, _ ->
                host.work({ it.untagNumber(number) }) { info ->
                    host.render()
                    host.getString(R.string.untagged, number, case.name)
                }
            }
            .setNegativeButton(android.R.string.cancel, null)
            .show()
    }

    private fun tag() {
        when (val input = TagForm.parse(number.text.toString(), caseName.text.toString())) {
            is TagForm.Result.Invalid -> host.say(host.formProblem(input.problem, input.arg))
            is TagForm.Result.Ok -> host.work({ it.tagNumber(input.number, input.caseName) }) { info ->
                number.text.clear()
                host.openCaseId = info.caseId
                host.render()
                host.getString(R.string.tagged, info.number, info.caseName ?: input.caseName)
            }
        }
    }

    /** The case's loan: what it costs against each legal line, then the form that records it. */
    private fun loanSection(caseName: String, loan: StoredLoan?, texts: Map<String, RuleText>) {
        body.addView(ui.subtitle(host.getString(R.string.loan_title)))
        body.addView(ui.card().apply { id = R.id.loan_result; showLoan(this, loan, texts) })
        for (v in listOf(loanDate, loanAmount, loanPrincipal, loanRepaid, loanFees)) (v.parent as? android.view.ViewGroup)?.removeView(v)
        (loanLender.parent as? android.view.ViewGroup)?.removeView(loanLender)
        body.addView(loanDate)
        body.addView(loanAmount)
        body.addView(loanPrincipal)
        body.addView(loanRepaid)
        body.addView(loanFees)
        body.addView(ui.small(host.getString(R.string.loan_lender_label)))
        body.addView(loanLender)
        body.addView(ui.button(host.getString(R.string.loan_save)) { saveLoan(caseName) })
    }

    private fun showLoan(card: LinearLayout, loan: StoredLoan?, texts: Map<String, RuleText>) {
        val a = loan?.assessment
        when {
            loan == null -> card.addView(ui.body(host.getString(R.string.loan_none)))
            a == null -> card.addView(ui.body(host.getString(R.string.loan_error)))
            else -> {
                card.addView(ui.body(host.getString(R.string.loan_annual, LoanForm.pct(a.annualRatePct), a.method)))
                card.addView(ui.body(host.getString(R.string.loan_effective, a.effectiveRatePct?.let(LoanForm::pct) ?: "∞")))
                card.addView(ui.small(host.getString(R.string.loan_amounts, a.received, a.paid, a.cost, a.currency)))
                a.deducted?.let { card.addView(ui.small(host.getString(R.string.loan_deducted, it, a.currency))) }
                if (a.lines.isEmpty()) card.addView(ui.small(a.noCap[host.textLanguage] ?: host.getString(R.string.loan_no_lines)))
                for (l in a.lines) {
                    val verdict = host.getString(if (l.above) R.string.loan_above else R.string.loan_within)
                    card.addView(ui.body(host.getString(R.string.loan_line, l.rule, verdict, LoanForm.pct(l.valuePct), LoanForm.pct(l.limitPct))))
                    card.addView(ui.small(host.getString(R.string.source, texts[l.rule]?.source ?: l.source)))
                }
            }
        }
    }

    private fun saveLoan(caseName: String) {
        val lender = lenders.getOrElse(loanLender.selectedItemPosition) { Lender.UNKNOWN }
        val form = LoanForm.parse(
            loanDate.text.toString(), loanAmount.text.toString(), loanPrincipal.text.toString(),
            loanRepaid.text.toString(), loanFees.text.toString(), lender,
        )
        when (form) {
            is LoanForm.Result.Invalid -> host.say(invalid(form))
            is LoanForm.Result.Ok -> host.work({ it.recordLoan(caseName, form.loan) }) { saved ->
                host.render()
                val rate = saved.assessment?.let { LoanForm.pct(it.annualRatePct) } ?: "?"
                host.getString(if (saved.new) R.string.loan_saved else R.string.loan_unchanged, rate)
            }
        }
    }

    private fun invalid(e: LoanForm.Result.Invalid): String {
        val name = host.getString(
            when (e.field) {
                LoanForm.Field.RECEIVED -> R.string.loan_field_received
                LoanForm.Field.PRINCIPAL -> R.string.loan_field_principal
                LoanForm.Field.REPAID -> R.string.loan_field_repaid
                LoanForm.Field.FEES -> R.string.loan_field_fees
            },
        )
        val field = if (e.line > 0) host.getString(R.string.loan_field_line, name, e.line) else name
        return when (e.problem) {
            LoanForm.Problem.MISSING -> host.getString(R.string.loan_missing)
            LoanForm.Problem.BAD_DATE -> host.getString(R.string.loan_bad_date, field, e.text)
            LoanForm.Problem.BAD_AMOUNT -> host.getString(R.string.loan_bad_amount, field, e.text)
            LoanForm.Problem.BAD_LINE -> host.getString(R.string.loan_bad_line, field, e.text)
        }
    }
}
