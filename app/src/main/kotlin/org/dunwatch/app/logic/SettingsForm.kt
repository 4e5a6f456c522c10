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
        data class Invalid(val message: String) : Result()
    }

    /** Builds [Settings] from the chosen list positions and the typed home zone. */
    fun parse(jurisdictionIndex: Int, roleIndex: Int, homeZone: String): Result {
        val j = Jurisdiction.entries.getOrNull(jurisdictionIndex)
            ?: return Result.Invalid("choose a jurisdiction")
        val r = Role.entries.getOrNull(roleIndex) ?: return Result.Invalid("choose whose phone this is")
        val zone = homeZone.trim()
        if (zone.isEmpty()) return Result.Invalid("enter the home time zone, e.g. Asia/Shanghai")
        return try {
            Result.Ok(Settings(j, r, ZoneId.of(zone).id))
        } catch (e: DateTimeException) {
            Result.Invalid("unknown time zone \"$zone\" (use a name such as Asia/Shanghai)")
        }
    }

    /** List positions for [s], to fill the form. */
    fun positions(s: Settings): Pair<Int, Int> = Jurisdiction.entries.indexOf(s.jurisdiction) to Role.entries.indexOf(s.role)
}
