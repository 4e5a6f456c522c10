package org.dunwatch.app.logic

import org.dunwatch.app.logic.LoanForm.Field
import org.dunwatch.app.logic.LoanForm.Problem
import org.dunwatch.app.logic.LoanForm.Result
import org.dunwatch.core.Lender
import org.dunwatch.core.LoanEntry
import org.dunwatch.core.LoanInput
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class LoanFormTest {
    @Test
    fun `a filled form becomes the loan record`() {
        val r = LoanForm.parse(
            " 2025-01-01 ", "7,000", "10000",
            "2025-02-01:1000\n\n 2025-03-01 ： 1000.50 \n2025-04-01 999",
            "2025-01-01:300",
            Lender.LICENSED,
        )
        assertEquals(
            Result.Ok(
                LoanInput(
                    received = listOf(LoanEntry("2025-01-01", "7000")),
                    repaid = listOf(LoanEntry("2025-02-01", "1000"), LoanEntry("2025-03-01", "1000.50"), LoanEntry("2025-04-01", "999")),
                    fees = listOf(LoanEntry("2025-01-01", "300")),
                    principal = "10000",
                    lender = Lender.LICENSED,
                ),
            ),
            r,
        )
    }

    @Test
    fun `principal, repayments and fees may be left empty`() {
        val r = LoanForm.parse("2025-01-01", "1000", " ", "", "", Lender.UNKNOWN)
        assertEquals(Result.Ok(LoanInput(received = listOf(LoanEntry("2025-01-01", "1000")))), r)
    }

    @Test
    fun `each bad input names its field, line and text`() {
        fun bad(date: String, amount: String, principal: String = "", repaid: String = "", fees: String = "") =
            LoanForm.parse(date, amount, principal, repaid, fees, Lender.PRIVATE)
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.MISSING, 0, ""), bad("", "7000"))
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.MISSING, 0, ""), bad("2025-01-01", " "))
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.BAD_DATE, 0, "2025-02-30"), bad("2025-02-30", "7000"))
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.BAD_DATE, 0, "1/1/2025"), bad("1/1/2025", "7000"))
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.BAD_AMOUNT, 0, "-7000"), bad("2025-01-01", "-7000"))
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.BAD_AMOUNT, 0, "0"), bad("2025-01-01", "0"))
        assertEquals(Result.Invalid(Field.RECEIVED, Problem.BAD_AMOUNT, 0, "1.234"), bad("2025-01-01", "1.234"))
        assertEquals(Result.Invalid(Field.PRINCIPAL, Problem.BAD_AMOUNT, 0, "ten"), bad("2025-01-01", "7000", "ten"))
        assertEquals(
            Result.Invalid(Field.REPAID, Problem.BAD_LINE, 2, "1000"),
            bad("2025-01-01", "7000", repaid = "2025-02-01:1000\n1000"),
        )
        assertEquals(
            Result.Invalid(Field.REPAID, Problem.BAD_DATE, 1, "2025-13-01:1000"),
            bad("2025-01-01", "7000", repaid = "2025-13-01:1000"),
        )
        assertEquals(
            Result.Invalid(Field.FEES, Problem.BAD_AMOUNT, 1, "2025-01-01:abc"),
            bad("2025-01-01", "7000", fees = "2025-01-01:abc"),
        )
    }

    @Test
    fun `percentages show two decimals`() {
        assertEquals("46.05%", LoanForm.pct(46.0478))
        assertEquals("∞", LoanForm.pct(Double.POSITIVE_INFINITY))
    }
}
