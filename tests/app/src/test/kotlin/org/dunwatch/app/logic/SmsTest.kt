package org.dunwatch.app.logic

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class SmsTest {
    @Test
    fun `parts of one message are joined in order with the earliest time stamp`() {
        val parts = listOf(
            SmsPart("+8613800138000", "您的借款已逾期，", 1_000),
            SmsPart("+8613800138000", "请今日还款。", 1_004),
        )
        assertEquals(listOf(IncomingSms("+8613800138000", "您的借款已逾期，请今日还款。", 1_000)), SmsAssembler.assemble(parts))
    }

    @Test
    fun `a surrogate pair split across parts is whole again after joining`() {
        val emoji = "\uD83D\uDE20"
        val parts = listOf(SmsPart("10690000", "pay now ${emoji[0]}", 5), SmsPart("10690000", "${emoji[1]}!", 5))
        assertEquals("pay now $emoji!", SmsAssembler.assemble(parts).single().body)
    }

    @Test
    fun `parts from different senders become separate messages in first-seen order`() {
        val parts = listOf(SmsPart("111", "a", 1), SmsPart("222", "b", 2), SmsPart("111", "c", 3))
        assertEquals(listOf(IncomingSms("111", "ac", 1), IncomingSms("222", "b", 2)), SmsAssembler.assemble(parts))
    }

    @Test
    fun `textless parts are skipped and a withheld sender is kept as empty`() {
        val parts = listOf(SmsPart(null, null, 1), SmsPart(null, "x", 2), SmsPart("333", null, 3))
        assertEquals(listOf(IncomingSms("", "x", 1)), SmsAssembler.assemble(parts))
        assertEquals(emptyList<IncomingSms>(), SmsAssembler.assemble(emptyList()))
    }

    @Test
    fun `dedup lets a message through once and forgets the oldest beyond its capacity`() {
        val d = SmsDedup(capacity = 2)
        val a = IncomingSms("1", "x", 10)
        assertTrue(d.firstTime(a))
        assertFalse(d.firstTime(a.copy()))
        assertTrue(d.firstTime(a.copy(sentMs = 11)), "another time stamp is another message")
        assertTrue(d.firstTime(a.copy(body = "y")))
        // capacity 2: (1,x,10) was evicted by the last two
        assertTrue(d.firstTime(a))
        assertThrows(IllegalArgumentException::class.java) { SmsDedup(0) }
    }
}
