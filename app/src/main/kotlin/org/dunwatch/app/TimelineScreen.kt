package org.dunwatch.app

import android.graphics.Typeface
import android.text.SpannableString
import android.text.Spanned
import android.text.style.BackgroundColorSpan
import android.text.style.StyleSpan
import android.view.View
import android.widget.AdapterView
import android.widget.ArrayAdapter
import android.widget.LinearLayout
import org.dunwatch.R
import org.dunwatch.app.logic.DisplayText
import org.dunwatch.app.logic.Highlights
import org.dunwatch.core.CallDirection
import org.dunwatch.core.CallEvent
import org.dunwatch.core.EventQuery
import org.dunwatch.core.RuleText
import org.dunwatch.core.TimelineEntry
import org.dunwatch.core.SmsDirection
import org.dunwatch.core.SmsEvent

/**
 * Timeline: core's timeline page (collector contacts, newest first, each with its flags), the
 * words that broke a rule highlighted and the rules named in the user's language; filter by case.
 */
class TimelineScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val filter = ui.spinner(R.id.timeline_filter, listOf(host.getString(R.string.timeline_all)), host.getString(R.string.timeline_filter))
    private val list = LinearLayout(host).apply { orientation = LinearLayout.VERTICAL }

    override val view: View = ui.column().apply {
        addView(filter)
        addView(list)
    }

    override fun load() = host.work({ it.cases() }, quiet = true) { cases ->
        val names = listOf(host.getString(R.string.timeline_all)) + cases.map { it.name }
        filter.adapter = ArrayAdapter(host, android.R.layout.simple_spinner_dropdown_item, names)
        val at = cases.indexOfFirst { it.id == host.timelineCaseId }
        filter.setSelection(if (at >= 0) at + 1 else 0, false)
        filter.onItemSelectedListener = object : AdapterView.OnItemSelectedListener {
            override fun onItemSelected(p: AdapterView<*>?, v: View?, pos: Int, id: Long) {
                val chosen = if (pos == 0) null else cases.getOrNull(pos - 1)?.id
                if (chosen != host.timelineCaseId) {
                    host.timelineCaseId = chosen
                    fill()
                }
            }
            override fun onNothingSelected(p: AdapterView<*>?) = Unit
        }
        fill()
        null
    }

    private fun fill() = host.work({ store ->
        val case = host.timelineCaseId
        store.timeline(EventQuery(caseId = case, limit = PAGE), collectorsOnly = case == null) to store.ruleTexts(host.textLanguage)
    }, quiet = true) { (entries, texts) ->
        list.removeAllViews()
        if (entries.isEmpty()) list.addView(ui.body(host.getString(R.string.none_yet)))
        for (e in entries) list.addView(row(e, texts))
        null
    }

    private fun row(t: TimelineEntry, texts: Map<String, RuleText>) = ui.card().apply {
        val e = t.event
        val what = when (e) {
            is SmsEvent -> host.getString(if (e.direction == SmsDirection.INCOMING) R.string.sms_in else R.string.sms_out)
            is CallEvent -> when (e.direction) {
                CallDirection.INCOMING -> host.getString(R.string.call_in, e.talkMs / 1000)
                CallDirection.OUTGOING -> host.getString(R.string.call_out, e.talkMs / 1000)
                CallDirection.MISSED -> host.getString(R.string.call_missed)
                CallDirection.REJECTED -> host.getString(R.string.call_rejected)
                CallDirection.BLOCKED -> host.getString(R.string.call_blocked)
            }
        }
        addView(ui.small("${DisplayText.moment(e.at)} · ${e.number.normalized}"))
        addView(ui.body(what).apply { setTypeface(typeface, Typeface.BOLD) })
        if (e is SmsEvent) addView(ui.body(highlighted(e.body, Highlights.words(t.flags))).apply { setTextIsSelectable(true) })
        val rules = t.flags.map { it.rule }.distinct()
        if (rules.isNotEmpty()) {
            val named = rules.joinToString("; ") { texts[it]?.description ?: it }
            addView(ui.small(host.getString(R.string.breaks, named)).apply { setTextColor(0xFFB3261E.toInt()) })
        }
    }

    private fun highlighted(body: String, words: List<String>): CharSequence {
        val s = SpannableString(body)
        for (r in Highlights.ranges(body, words)) {
            s.setSpan(BackgroundColorSpan(0xFFFFE082.toInt()), r.first, r.last + 1, Spanned.SPAN_EXCLUSIVE_EXCLUSIVE)
            s.setSpan(StyleSpan(Typeface.BOLD), r.first, r.last + 1, Spanned.SPAN_EXCLUSIVE_EXCLUSIVE)
        }
        return s
    }

    private companion object {
        /** Newest contacts shown; the report holds the whole history. */
        const val PAGE = 200
    }
}
