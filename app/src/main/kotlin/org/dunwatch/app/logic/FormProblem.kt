package org.dunwatch.app.logic

/**
 * Why a form's input was refused before it reached the store. The screens turn each into a string
 * resource (every language), so the check lives here and the words in the resources.
 */
enum class FormProblem {
    NUMBER_MISSING,
    CASE_MISSING,
    /** Argument: the longest name accepted. */
    CASE_TOO_LONG,
    NOTE_MISSING,
    /** Argument: the longest text accepted. */
    TEXT_TOO_LONG,
    BAD_TIME,
    FUTURE_TIME,
    JURISDICTION_MISSING,
    ROLE_MISSING,
    ZONE_MISSING,
    /** Argument: the zone as typed. */
    ZONE_UNKNOWN,
}
