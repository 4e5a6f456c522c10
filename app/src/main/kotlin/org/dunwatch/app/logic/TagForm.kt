package org.dunwatch.app.logic

/** The "add number to case" input, checked before it reaches the store. */
object TagForm {
    sealed class Result {
        data class Ok(val number: String, val caseName: String) : Result()
        data class Invalid(val problem: FormProblem, val arg: String = "") : Result()
    }

    /** Longest case name the screen accepts (a name, not a note). */
    const val MAX_CASE_NAME = 100

    /** Trims both; the number must have digits, the case a name of reasonable length. */
    fun parse(number: String, caseName: String): Result {
        val n = number.trim()
        val c = caseName.trim().replace(Regex("\\s+"), " ")
        return when {
            n.none { it in '0'..'9' } -> Result.Invalid(FormProblem.NUMBER_MISSING)
            c.isEmpty() -> Result.Invalid(FormProblem.CASE_MISSING)
            c.length > MAX_CASE_NAME -> Result.Invalid(FormProblem.CASE_TOO_LONG, MAX_CASE_NAME.toString())
            else -> Result.Ok(n, c)
        }
    }
}
