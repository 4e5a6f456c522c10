package org.dunwatch.core

import org.dunwatch.core.DunwatchException.Kind
import org.dunwatch.core.Support.expectFailure
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.math.abs
import kotlin.math.pow

/** Loan records through the real native library: stored, assessed, read back; bad input refused. */
class LoanTest {
    private val store = Support.open()

    @AfterEach
    fun close() = store.close()

    /** 10,000 on the contract, 7,000 paid out, 12 monthly repayments of 1,000 from 2025-02-01. */
    private val loan = LoanInput(
        received = listOf(LoanEntry("2025-01-01", "7000")),
        repaid = (1..12).map { LoanEntry("%d-%02d-01".format(2025 + it / 12, it % 12 + 1), "1000") },
        principal = "10000",
        lender = Lender.LICENSED,
    )

    @Test
    fun `a loan is stored with its rates and lines and read back`() {
        assertNull(store.loan("速借花"))
        val r = store.recordLoan("速借花", loan)
        assertTrue(r.new)
        assertEquals("速借花", r.caseName)
        assertEquals("CNY", r.currency)
        val a = r.assessment ?: error("no assessment: ${r.error}")
        // Independent check: the monthly IRR i discounts 12 × 1,000 to the 7,000 received.
        val i = a.annualRatePct / 1200.0
        val pv = (1..12).sumOf { 1000.0 / (1 + i).pow(it) }
        assertTrue(abs(pv - 7000.0) < 1e-3, "pv $pv")
        assertEquals("IRR per month × 12", a.method)
        assertEquals("3000.00", a.deducted)
        val eff = a.effectiveRatePct ?: error("no effective rate")
        assertTrue(eff > a.annualRatePct)
        assertTrue(a.lines.any { it.above && it.source.isNotBlank() }, a.lines.toString())
        assertEquals(r.copy(new = false), store.loan("速借花"))
        assertFalse(store.recordLoan("速借花", loan).new)
    }

    @Test
    fun `bad input names the entry and stores nothing`() {
        val early = loan.copy(repaid = listOf(LoanEntry("2024-12-01", "1000")) + loan.repaid)
        expectFailure(Kind.INVALID_ARGUMENT, "repaid #1") { store.recordLoan("速借花", early) }
        expectFailure(Kind.INVALID_ARGUMENT, "amount") {
            store.recordLoan("速借花", loan.copy(received = listOf(LoanEntry("2025-01-01", "seven"))))
        }
        expectFailure(Kind.INVALID_ARGUMENT, "case") { store.recordLoan(" ", loan) }
        assertNull(store.loan("速借花"))
    }
}
