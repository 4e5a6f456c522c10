package org.dunwatch.app.logic

import org.dunwatch.core.Lender
import org.dunwatch.core.LoanEntry
import org.dunwatch.core.LoanInput

/**
 * The case screen's loan form, checked before it reaches the store: the money received (date and
 * amount), the contract's principal, and repayments and fees as `DATE:AMOUNT` lines. Only the
 * form's own syntax is checked here; whether the entries make a loan (order, dates before the
 * loan, a rate that converges) is core's check, which names the entry and stores nothing.
 */
object LoanForm {
    /** Which input a problem is in. */
    enum class Field { RECEIVED, PRINCIPAL, REPAID, FEES }

    enum class Problem {
        /** No date or amount received. */
        MISSING,
        /** Not `YYYY-MM-DD`, or no such day. */
        BAD_DATE,
        /** Not a positive amount with at most two decimals. */
        BAD_AMOUNT,
        /** A line without the `:` between date and amount. */
        BAD_LINE,
    }

    sealed class Result {
        data class Ok(val loan: LoanInput) : Result()

        /** [line]: 1-based line of a multi-line field (0 for a single value); [text]: what was typed. */
        data class Invalid(val field: Field, val problem: Problem, val line: Int, val text: String) : Result()
    }

    private val DATE = Regex("""\d{4}-\d{2}-\d{2}""")
    private val AMOUNT = Regex("""\d{1,12}(\.\d{1,2})?""")

    fun parse(
        receivedDate: String,
        receivedAmount: String,
        principal: String,
        repaid: String,
        fees: String,
        lender: Lender,
    ): Result {
        val d = receivedDate.trim()
        val a = plain(receivedAmount)
        if (d.isEmpty() || a.isEmpty()) return Result.Invalid(Field.RECEIVED, Problem.MISSING, 0, "")
        if (!isDate(d)) return Result.Invalid(Field.RECEIVED, Problem.BAD_DATE, 0, d)
        if (!isAmount(a)) return Result.Invalid(Field.RECEIVED, Problem.BAD_AMOUNT, 0, receivedAmount.trim())
        val p = plain(principal)
        if (p.isNotEmpty() && !isAmount(p)) return Result.Invalid(Field.PRINCIPAL, Problem.BAD_AMOUNT, 0, principal.trim())
        val repaidEntries = when (val r = lines(Field.REPAID, repaid)) {
            is Lines.Bad -> return r.invalid
            is Lines.Good -> r.entries
        }
        val feeEntries = when (val r = lines(Field.FEES, fees)) {
            is Lines.Bad -> return r.invalid
            is Lines.Good -> r.entries
        }
        return Result.Ok(
            LoanInput(
                received = listOf(LoanEntry(d, a)),
                repaid = repaidEntries,
                fees = feeEntries,
                principal = p.ifEmpty { null },
                lender = lender,
            ),
        )
    }

    private sealed class Lines {
        data class Good(val entries: List<LoanEntry>) : Lines()
        data class Bad(val invalid: Result.Invalid) : Lines()
    }

    /** `DATE:AMOUNT` per line (a full-width colon or spaces also separate); blank lines skipped. */
    private fun lines(field: Field, text: String): Lines {
        val out = mutableListOf<LoanEntry>()
        for ((i, raw) in text.lines().withIndex()) {
            val line = raw.trim()
            if (line.isEmpty()) continue
            val parts = line.replace('：', ':').split(Regex("""\s*:\s*|\s+"""), limit = 2)
            if (parts.size != 2) return Lines.Bad(Result.Invalid(field, Problem.BAD_LINE, i + 1, line))
            val (d, a) = parts[0] to plain(parts[1])
            if (!isDate(d)) return Lines.Bad(Result.Invalid(field, Problem.BAD_DATE, i + 1, line))
            if (!isAmount(a)) return Lines.Bad(Result.Invalid(field, Problem.BAD_AMOUNT, i + 1, line))
            out += LoanEntry(d, a)
        }
        return Lines.Good(out)
    }

    /** An amount as typed, without grouping commas or spaces ("10,000" = "10000"). */
    private fun plain(s: String) = s.trim().replace(",", "").replace("，", "").replace(" ", "")

    private fun isAmount(s: String) = AMOUNT.matches(s) && s.any { it in '1'..'9' }

    private fun isDate(s: String): Boolean = DATE.matches(s) &&
        runCatching { java.time.LocalDate.parse(s) }.isSuccess

    /** A percentage as the screen shows it: two decimals, "46.05%". */
    fun pct(v: Double): String = if (v.isFinite()) String.format(java.util.Locale.ROOT, "%.2f%%", v) else "∞"
}
