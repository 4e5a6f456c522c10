package org.dunwatch.app.logic

import org.dunwatch.core.Moment
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException
import java.time.format.ResolverStyle

/**
 * The "what I did" inputs of the main screen — a stop request made to a collector, a note — checked
 * before they reach the store. The time matters (a stop request starts US.CEASE, a note is
 * evidence of when something happened), so the user may give one; blank means now.
 */
object EvidenceForm {
    enum class Kind { STOP_REQUEST, NOTE }

    sealed class Result {
        data class Ok(val caseName: String?, val text: String, val at: Moment) : Result()
        data class Invalid(val problem: FormProblem, val arg: String = "") : Result()
    }

    /** Longest note the screen accepts; the store takes far more, but a note is typed by hand. */
    const val MAX_TEXT = 4000

    /** How the time is typed, in the phone's zone. */
    const val TIME_PATTERN = "yyyy-MM-dd HH:mm"
    // Strict: 2026-02-30 is refused, not quietly turned into 02-28 ("uuuu": strict needs a
    // proleptic year, not a year of era).
    private val timeFormat = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm").withResolverStyle(ResolverStyle.STRICT)

    /**
     * [caseName] may be blank (then a stop request applies to every collector, a note to none);
     * [text] is required for a note (a stop request left blank says [defaultStopText], in the
     * user's language); [whenText] is blank or [TIME_PATTERN], not in the future.
     */
    fun parse(kind: Kind, caseName: String, text: String, whenText: String, zone: ZoneId, nowMs: Long, defaultStopText: String): Result {
        val case = caseName.trim().replace(Regex("\\s+"), " ").ifEmpty { null }
        if (case != null && case.length > TagForm.MAX_CASE_NAME) {
            return Result.Invalid(FormProblem.CASE_TOO_LONG, TagForm.MAX_CASE_NAME.toString())
        }
        val body = text.trim().ifEmpty { if (kind == Kind.STOP_REQUEST) defaultStopText else "" }
        if (body.isEmpty()) return Result.Invalid(FormProblem.NOTE_MISSING)
        if (body.length > MAX_TEXT) return Result.Invalid(FormProblem.TEXT_TOO_LONG, MAX_TEXT.toString())
        val atMs = if (whenText.isBlank()) {
            nowMs
        } else {
            val local = try {
                LocalDateTime.parse(whenText.trim(), timeFormat)
            } catch (e: DateTimeParseException) {
                return Result.Invalid(FormProblem.BAD_TIME)
            }
            // In a DST gap the time moves forward, in an overlap the earlier offset is taken:
            // java.time's rules for local times that are not unique.
            local.atZone(zone).toInstant().toEpochMilli()
        }
        // A minute of slack: the typed time has no seconds.
        if (atMs > nowMs + 60_000) return Result.Invalid(FormProblem.FUTURE_TIME)
        return Result.Ok(case, body, Moments.at(atMs, zone))
    }
}
