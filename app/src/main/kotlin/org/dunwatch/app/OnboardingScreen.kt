package org.dunwatch.app

import android.view.View
import android.widget.AdapterView
import org.dunwatch.R
import org.dunwatch.core.Role

/**
 * First run: what dunwatch does and does not do, whose phone this is, each permission and why,
 * the call-screening role, and how to keep it running on phones that stop background apps.
 */
class OnboardingScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val role = ui.spinner(R.id.onb_role, host.resources.getStringArray(R.array.roles).toList(), host.getString(R.string.onb_whose_title))

    override val view: View = ui.column().apply {
        addView(ui.title(host.getString(R.string.onb_title)))
        addView(ui.subtitle(host.getString(R.string.onb_does_title)))
        addView(ui.body(host.getString(R.string.onb_does)))
        addView(ui.subtitle(host.getString(R.string.onb_doesnt_title)))
        addView(ui.body(host.getString(R.string.onb_doesnt)))
        addView(ui.subtitle(host.getString(R.string.onb_whose_title)))
        addView(role)
        addView(ui.subtitle(host.getString(R.string.onb_perm_title)))
        for (s in listOf(R.string.perm_receive_sms, R.string.perm_read_sms, R.string.perm_call_log, R.string.perm_notifications)) {
            addView(ui.body("• " + host.getString(s)))
        }
        addView(ui.button(host.getString(R.string.onb_allow)) { host.askPermissions() })
        addView(ui.subtitle(host.getString(R.string.onb_role_title)))
        addView(ui.body(host.getString(R.string.onb_role_text)))
        addView(ui.button(host.getString(R.string.onb_role_button)) { host.askScreeningRole() })
        addView(ui.subtitle(host.getString(R.string.onb_battery_title)))
        addView(ui.body(host.getString(R.string.onb_battery_intro)))
        for (s in listOf(R.string.oem_xiaomi, R.string.oem_huawei, R.string.oem_oppo, R.string.oem_vivo, R.string.oem_samsung)) {
            addView(ui.body("• " + host.getString(s)))
        }
        addView(ui.button(host.getString(R.string.onb_start)) { host.finishOnboarding() })
    }

    override fun load() {
        host.work({ it.settings }, quiet = true) { s ->
            role.setSelection(Role.entries.indexOf(s.role))
            role.onItemSelectedListener = object : AdapterView.OnItemSelectedListener {
                override fun onItemSelected(p: AdapterView<*>?, v: View?, pos: Int, id: Long) {
                    val r = Role.entries.getOrNull(pos) ?: return
                    if (r != s.role) host.work({ st -> st.changeSettings(st.settings.copy(role = r)) }, quiet = true) { null }
                }
                override fun onNothingSelected(p: AdapterView<*>?) = Unit
            }
            null
        }
    }
}
