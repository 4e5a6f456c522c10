package org.dunwatch.app

import android.view.View
import android.widget.ArrayAdapter
import android.widget.LinearLayout
import org.dunwatch.R
import org.dunwatch.app.logic.CasePage
import org.dunwatch.app.logic.Pages
import org.dunwatch.app.logic.RuleText
import org.dunwatch.app.logic.TagForm
import org.dunwatch.core.Case

/**
 * Cases: the list, and one case's numbers, counts, contacts per day (a bar chart and its text),
 * violations by rule with their legal source; add a number; merge another case into it.
 */
class CaseScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val body = LinearLayout(host).apply { orientation = LinearLayout.VERTICAL }
    private val number = ui.field(R.id.tag_number, host.getString(R.string.case_add_hint)).apply {
        inputType = android.text.InputType.TYPE_CLASS_PHONE
    }
    private val caseName = ui.field(R.id.tag_case, host.getString(R.string.case_name_hint))
    private val mergeFrom = ui.spinner(R.id.merge_from, emptyList(), host.getString(R.string.case_merge_title))

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
            Triple(cases, open, open?.let { Pages.case(store, it) })
        }, quiet = true) { (cases, open, page) ->
            body.removeAllViews()
            if (open == null || page == null) list(cases) else detail(page, cases.filter { it.id != open.id })
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

    private fun detail(p: CasePage, others: List<Case>) {
        caseName.setText(p.case.name)
        body.addView(ui.button(host.getString(R.string.case_back)) { host.openCaseId = null; host.render() })
        body.addView(ui.title(p.case.name))
        body.addView(ui.body(host.getString(R.string.counts, p.calls, p.connected, p.sms)))
        body.addView(ui.subtitle(host.getString(R.string.case_numbers)))
        for (n in p.case.numbers) body.addView(ui.body(n).apply { setTextIsSelectable(true) })
        body.addView(ui.subtitle(host.getString(R.string.case_chart_title)))
        if (p.perDay.isNotEmpty()) {
            val peak = p.perDay.maxBy { it.second }
            val text = host.getString(R.string.case_chart_text, p.perDay.size, p.perDay.first().first.toString(), p.perDay.last().first.toString(), peak.second, peak.first.toString())
            body.addView(DayChart(host).apply { id = R.id.chart; setDays(p.perDay); contentDescription = text })
            body.addView(ui.small(text))
        } else {
            body.addView(ui.body(host.getString(R.string.none_yet)))
        }
        body.addView(ui.subtitle(host.getString(R.string.case_rules_title)))
        if (p.byRule.isEmpty()) body.addView(ui.body(host.getString(R.string.none_yet)))
        for (r in p.byRule) {
            body.addView(
                ui.card().apply {
                    addView(ui.body(host.getString(R.string.case_rule_line, r.rule, r.count)))
                    addView(ui.small(RuleText.describe(r.description, host.chinese).substringBefore(" — ")))
                    addView(ui.small(host.getString(R.string.source, r.source)))
                },
            )
        }
        if (others.isNotEmpty()) {
            body.addView(ui.subtitle(host.getString(R.string.case_merge_title)))
            mergeFrom.adapter = ArrayAdapter(host, android.R.layout.simple_spinner_dropdown_item, others.map { it.name })
            body.addView(mergeFrom)
            body.addView(
                ui.button(host.getString(R.string.case_merge)) {
                    val from = others.getOrNull(mergeFrom.selectedItemPosition) ?: return@button
                    host.work({ Pages.merge(it, from, p.case) }) { n ->
                        host.render()
                        host.getString(R.string.merged, n, from.name, p.case.name)
                    }
                },
            )
        }
    }

    private fun tag() {
        when (val input = TagForm.parse(number.text.toString(), caseName.text.toString())) {
            is TagForm.Result.Invalid -> host.say(input.message)
            is TagForm.Result.Ok -> host.work({ it.tagNumber(input.number, input.caseName) }) { info ->
                number.text.clear()
                host.openCaseId = info.caseId
                host.render()
                host.getString(R.string.tagged, info.number, info.caseName ?: input.caseName)
            }
        }
    }
}
