package org.dunwatch.app

import android.view.View
import org.dunwatch.R
import org.dunwatch.app.logic.ScreeningChoice
import org.dunwatch.app.logic.SettingsForm

/**
 * Settings: rule pack, whose phone, home zone (saved in the store: flags are re-derived), and the
 * screening choices per role (saved in preferences; the screening service reads them per call).
 */
class SettingsScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val jurisdiction = ui.spinner(R.id.jurisdiction, host.resources.getStringArray(R.array.jurisdictions).toList(), host.getString(R.string.jurisdiction))
    private val role = ui.spinner(R.id.role, host.resources.getStringArray(R.array.roles).toList(), host.getString(R.string.role))
    private val zone = ui.field(R.id.home_zone, host.getString(R.string.home_zone_hint))
    private val choice = ScreeningPrefs.load(host)
    private val thirdParty = ui.spinner(R.id.third_party, host.resources.getStringArray(R.array.third_party_actions).toList(), host.getString(R.string.third_party_label))
        .apply { setSelection(choice.thirdParty.ordinal) }
    private val outsideHours = ui.switch(R.id.outside_hours, host.getString(R.string.silence_outside_hours), choice.silenceOutsideHours)
    private val overCap = ui.switch(R.id.over_cap, host.getString(R.string.silence_over_cap), choice.silenceOverCap)
    private val afterStop = ui.switch(R.id.after_stop, host.getString(R.string.silence_after_stop), choice.silenceAfterStop)
    private val quiet = ui.switch(R.id.quiet_rejects, host.getString(R.string.quiet_rejects), choice.quietRejects)
    private val roleState = ui.body("")

    override val view: View = ui.column().apply {
        addView(ui.title(host.getString(R.string.settings_title)))
        addView(ui.small(host.getString(R.string.jurisdiction)))
        addView(jurisdiction)
        addView(ui.small(host.getString(R.string.role)))
        addView(role)
        addView(ui.small(host.getString(R.string.home_zone)))
        addView(zone)
        addView(ui.button(host.getString(R.string.save_settings)) { save() })
        addView(ui.title(host.getString(R.string.screening_title)))
        addView(roleState)
        addView(ui.button(host.getString(R.string.onb_role_button)) { host.askScreeningRole() })
        addView(ui.small(host.getString(R.string.third_party_label)))
        addView(thirdParty)
        addView(ui.small(host.getString(R.string.borrower_label)))
        addView(outsideHours)
        addView(overCap)
        addView(afterStop)
        addView(quiet)
        addView(ui.button(host.getString(R.string.save_settings)) { saveScreening() })
        addView(ui.button(host.getString(R.string.onb_again)) { host.showOnboarding() })
    }

    override fun load() {
        roleState.setText(if (host.screeningRoleHeld()) R.string.role_held else R.string.role_not_held)
        host.work({ it.settings }, quiet = true) { s ->
            val (j, r) = SettingsForm.positions(s)
            jurisdiction.setSelection(j)
            role.setSelection(r)
            if (zone.text.isEmpty()) zone.setText(s.homeTz)
            null
        }
    }

    private fun save() {
        when (val parsed = SettingsForm.parse(jurisdiction.selectedItemPosition, role.selectedItemPosition, zone.text.toString())) {
            is SettingsForm.Result.Invalid -> host.say(host.formProblem(parsed.problem, parsed.arg))
            is SettingsForm.Result.Ok -> host.work({ it.changeSettings(parsed.settings) }) { summary ->
                host.getString(R.string.settings_saved, summary.flags, summary.events)
            }
        }
    }

    private fun saveScreening() {
        ScreeningPrefs.save(
            host,
            ScreeningChoice(
                ScreeningChoice.ThirdPartyAction.entries[thirdParty.selectedItemPosition.coerceIn(0, 2)],
                outsideHours.isChecked, overCap.isChecked, afterStop.isChecked, quiet.isChecked,
            ),
        )
        host.say(host.getString(R.string.screening_saved))
    }
}
