package org.dunwatch.app.logic

import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import java.time.ZoneId

/** Settings for a store created on this phone, before the user has chosen any. */
object FirstRun {
    /**
     * The rule pack of the phone's country (SIM or locale, ISO 3166 alpha-2) when there is one,
     * China's otherwise (the pack the project started with); the device's zone as home zone;
     * borrower until the user says whose phone it is.
     */
    fun settings(country: String?, zone: ZoneId): Settings {
        val j = when (country?.trim()?.uppercase()) {
            "US" -> Jurisdiction.US
            "IN" -> Jurisdiction.IN
            "GB" -> Jurisdiction.UK
            "PH" -> Jurisdiction.PH
            else -> Jurisdiction.CN
        }
        return Settings(j, Role.BORROWER, zone.id)
    }
}
