package org.dunwatch.app.logic

import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Role
import org.dunwatch.core.Settings
import java.time.DateTimeException
import java.time.ZoneId

/** The settings screen's input, checked before it reaches the store. */
object SettingsForm {
    sealed class Result {
        data class Ok(val settings: Settings) : Result()
        data class Invalid(val problem: FormProblem, val arg: String = "") : Result()
    }

    /** Builds [Settings] from the chosen list positions and the typed home zone. */
    fun parse(jurisdictionIndex: Int, roleIndex: Int, homeZone: String): Result {
        val j = Jurisdiction.entries.getOrNull(jurisdictionIndex)
            ?: return Result.Invalid(FormProblem.JURISDICTION_MISSING)
        val r = Role.entries.getOrNull(roleIndex) ?: return Result.Invalid(FormProblem.ROLE_MISSING)
        val zone = homeZone.trim()
        if (zone.isEmpty()) return Result.Invalid(FormProblem.ZONE_MISSING)
        return try {
            Result.Ok(Settings(j, r, ZoneId.of(zone).id))
        } catch (e: DateTimeException) {
            Result.Invalid(FormProblem.ZONE_UNKNOWN, zone)
        }
    }

    /** List positions for [s], to fill the form. */
    fun positions(s: Settings): Pair<Int, Int> = Jurisdiction.entries.indexOf(s.jurisdiction) to Role.entries.indexOf(s.role)
}
