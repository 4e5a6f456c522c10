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
        for ((n, c) in listOf("" to "A", "private" to "A", "138" to "  ", "138" to "x".repeat(TagForm.MAX_CASE_NAME + 1))) {
            assertTrue(TagForm.parse(n, c) is TagForm.Result.Invalid, "'$n' '$c'")
        }
        assertTrue(TagForm.parse("138", "x".repeat(TagForm.MAX_CASE_NAME)) is TagForm.Result.Ok)
    }
}
