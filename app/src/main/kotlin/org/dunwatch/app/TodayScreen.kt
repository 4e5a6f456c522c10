package org.dunwatch.app

import android.view.View
import android.widget.LinearLayout
import org.dunwatch.R
import org.dunwatch.app.logic.Pages
import org.dunwatch.app.logic.RuleText
import org.dunwatch.core.ScreenDecision
import java.time.Instant
import java.time.ZoneId

/** Today: per collector, today's contacts against the day's limits, what a call now would get, today's violations. */
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

    override fun load() = host.work({ Pages.today(it, now, zone) }, quiet = true) { days ->
        list.removeAllViews()
        val active = days.filter { it.calls + it.sms > 0 || it.violations.isNotEmpty() }
        if (active.isEmpty()) list.addView(ui.body(host.getString(R.string.today_empty)))
        for (d in active) {
            list.addView(
                ui.card().apply {
                    addView(ui.subtitle(d.case.name))
                    addView(ui.body(host.getString(R.string.counts, d.calls, d.connected, d.sms)))
                    for (l in d.limits) addView(ui.body(host.getString(R.string.today_limit, l.rule, l.count, l.max)))
                    d.now?.let { s ->
                        val text = host.getString(R.string.today_now, host.getString(decisionLabel(s.decision))) + (s.rule?.let { " ($it)" } ?: "")
                        addView(ui.body(text))
                    }
                    addView(ui.body(host.getString(R.string.today_violations, d.violations.size)))
                    for (f in d.violations.distinctBy { it.rule }) addView(ui.small("• ${f.rule}: ${RuleText.describe(f.description, host.chinese)}"))
                    isClickable = true
                    contentDescription = host.getString(R.string.case_open, d.case.name)
                    setOnClickListener { host.openCaseId = d.case.id; host.show(MainActivity.Tab.CASES) }
                },
            )
        }
        null
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
