package org.dunwatch.app

import android.view.View
import android.widget.LinearLayout
import org.dunwatch.R
import org.dunwatch.app.logic.Moments
import org.dunwatch.core.RuleText
import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.Screening
import org.dunwatch.core.TodayCollector
import org.dunwatch.core.TodayPage
import java.time.Instant
import java.time.ZoneId

/**
 * Today: core's today page (per collector, today's contacts against the pack's daily limits, the
 * permitted hours and whether a call is permitted now, today's violations), each rule in the
 * user's language, and what screening would do with a call from the collector now.
 */
class TodayScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val list = LinearLayout(host).apply { orientation = LinearLayout.VERTICAL }
    private val zone = ZoneId.systemDefault()
    private val now = Stores.clock()

    override val view: View = ui.column().apply {
        addView(ui.title(host.getString(R.string.today_title, Instant.ofEpochMilli(now).atZone(zone).toLocalDate().toString())))
        if (!host.hasTelephony) addView(ui.body(host.getString(R.string.no_telephony)))
        addView(list)
    }

    private class Loaded(val page: TodayPage, val texts: Map<String, RuleText>, val screening: Map<TodayCollector, Screening?>)

    override fun load() = host.work({ store ->
        val page = store.today(Moments.at(now, zone))
        val active = page.collectors.filter { it.calls + it.sms > 0 || it.violations.isNotEmpty() }
        val screening = active.associateWith { c ->
            c.numbers.firstOrNull()?.let { n -> runCatching { store.screenCall(n, page.at) }.getOrNull() }
        }
        Loaded(page.copy(collectors = active), store.ruleTexts(host.textLanguage), screening)
    }, quiet = true) { l ->
        list.removeAllViews()
        hours(l)
        if (l.page.collectors.isEmpty()) list.addView(ui.body(host.getString(R.string.today_empty)))
        for (c in l.page.collectors) list.addView(card(c, l))
        null
    }

    /** The pack's hours for calls, and whether a collector may call now. */
    private fun hours(l: Loaded) {
        for (w in l.page.hours.filter { "call" in it.channels }) {
            val line = host.getString(if (w.allowed) R.string.today_hours_allowed else R.string.today_hours_quiet, w.from, w.to)
            list.addView(ui.small(line))
        }
        list.addView(ui.body(host.getString(if (l.page.permittedNow) R.string.today_permitted_now else R.string.today_forbidden_now)))
    }

    private fun card(c: TodayCollector, l: Loaded) = ui.card().apply {
        addView(ui.subtitle(c.name))
        addView(ui.body(host.getString(R.string.counts, c.calls, c.connected, c.sms)))
        for (limit in c.limits) {
            val what = l.texts[limit.rule]?.description ?: limit.rule
            addView(ui.small(host.getString(R.string.today_limit, what, limit.used, limit.max)))
        }
        l.screening[c]?.let { s ->
            addView(ui.body(host.getString(R.string.today_now, host.getString(decisionLabel(s.decision)))))
        }
        addView(ui.body(host.getString(R.string.today_violations, c.violations.size)))
        for (rule in c.violations.map { it.rule }.distinct()) {
            addView(ui.small("• " + (l.texts[rule]?.description ?: rule)))
        }
        val case = c.caseId
        if (case != null) {
            isClickable = true
            isFocusable = true
            minimumHeight = ui.dp(48)
            contentDescription = host.getString(R.string.case_open, c.name)
            setOnClickListener { host.openCaseId = case; host.show(MainActivity.Tab.CASES) }
        }
    }

    companion object {
        fun decisionLabel(d: ScreenDecision): Int = when (d) {
            ScreenDecision.ALLOW -> R.string.decision_allow
            ScreenDecision.ALLOW_AND_LOG -> R.string.decision_allow_and_log
            ScreenDecision.SILENCE -> R.string.decision_silence
            ScreenDecision.REJECT -> R.string.decision_reject
        }
    }
}
