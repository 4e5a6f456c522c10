package org.dunwatch.app.logic

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class TagFormTest {
    @Test
    fun `input is trimmed and spaces in the case name collapsed`() {
        assertEquals(TagForm.Result.Ok("+86 138 0013 8000", "Loan A"), TagForm.parse("  +86 138 0013 8000 ", " Loan \t A "))
    }

    @Test
    fun `a number without digits, an empty or overlong case name are refused`() {
        val cases = listOf(
            Triple("", "A", FormProblem.NUMBER_MISSING), Triple("private", "A", FormProblem.NUMBER_MISSING),
            Triple("138", "  ", FormProblem.CASE_MISSING), Triple("138", "x".repeat(TagForm.MAX_CASE_NAME + 1), FormProblem.CASE_TOO_LONG),
        )
        for ((n, c, problem) in cases) {
            assertEquals(problem, (TagForm.parse(n, c) as? TagForm.Result.Invalid)?.problem, "'$n' '$c'")
        }
        assertTrue(TagForm.parse("138", "x".repeat(TagForm.MAX_CASE_NAME)) is TagForm.Result.Ok)
    }
}

class FailureTest {
    private fun core(kind: org.dunwatch.core.DunwatchException.Kind) = org.dunwatch.core.DunwatchException(kind, "core's English text")

    @Test
    fun `core's error kinds choose what the user is told`() {
        val k = org.dunwatch.core.DunwatchException.Kind.entries.associateWith { Failure.of(core(it)) }
        assertEquals(Failure.DISK_FULL, k[org.dunwatch.core.DunwatchException.Kind.STORAGE_FULL])
        assertEquals(Failure.REFUSED, k[org.dunwatch.core.DunwatchException.Kind.INVALID_ARGUMENT])
        assertEquals(Failure.STORAGE, k[org.dunwatch.core.DunwatchException.Kind.STORAGE])
        assertEquals(Failure.STORE_TOO_NEW, k[org.dunwatch.core.DunwatchException.Kind.SCHEMA_TOO_NEW])
        assertEquals(Failure.NOT_FOUND, k[org.dunwatch.core.DunwatchException.Kind.NOT_FOUND])
        assertEquals(Failure.CANCELLED, k[org.dunwatch.core.DunwatchException.Kind.CANCELLED])
        assertEquals(Failure.OTHER, k[org.dunwatch.core.DunwatchException.Kind.INTERNAL])
        // Wrapped, and on opening: a full disk is still a full disk; anything else is the store.
        val full = RuntimeException(core(org.dunwatch.core.DunwatchException.Kind.STORAGE_FULL))
        assertEquals(Failure.DISK_FULL, Failure.of(full, storeOpening = true))
        assertEquals(Failure.STORE_UNAVAILABLE, Failure.of(core(org.dunwatch.core.DunwatchException.Kind.STORAGE), storeOpening = true))
        assertEquals(Failure.OTHER, Failure.of(IllegalStateException("x")))
    }
}
