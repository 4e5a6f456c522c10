package org.dunwatch.app.logic

import android.provider.Telephony
import org.dunwatch.core.SmsDirection
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class SmsHistoryTest {
    private val facts = org.dunwatch.core.DunwatchStore.coreFacts
    private fun row(id: Long, addr: String, body: String, type: Int, date: Long) = SmsRow(id, addr, body, type, date, 0)

    @Test
    fun `types are the framework's and only inbox and sent are contacts`() {
        assertEquals(Telephony.TextBasedSmsColumns.MESSAGE_TYPE_INBOX, SmsHistory.TYPE_INBOX)
        assertEquals(Telephony.TextBasedSmsColumns.MESSAGE_TYPE_SENT, SmsHistory.TYPE_SENT)
        assertEquals(SmsDirection.INCOMING, SmsHistory.direction(1))
        assertEquals(SmsDirection.OUTGOING, SmsHistory.direction(2))
        for (t in listOf(0, 3, 4, 5, 6)) assertNull(SmsHistory.direction(t), "type $t")
    }

    @Test
    fun `rows already kept live, old rows and drafts are not imported`() {
        val known = listOf(KnownSms("+8613800138000", "还款", 1_000_000))
        val rows = listOf(
            row(5, "13800138000", "还款", 1, 1_000_020), // the live one, 20 ms later
            row(6, "13800138000", "还款", 1, 1_000_000 + facts.providerMatchWindowMs + 1), // same text later: another message
            row(4, "13800138000", "again", 1, 900_000),
            row(3, "13800138000", "old", 1, 1),
            row(7, "13800138000", "draft", 3, 1_100_000),
            row(8, "13800138000", "STOP", 2, 1_200_000),
        )
        assertEquals(listOf(4L, 6L, 8L), SmsHistory.toImport(rows, SyncCursor(lastId = 3), known, facts).map { it.id })
    }

    @Test
    fun `one kept message matches one row only`() {
        val known = listOf(KnownSms("10690000", "pay", 500))
        val rows = listOf(row(1, "10690000", "pay", 1, 500), row(2, "10690000", "pay", 1, 510))
        assertEquals(listOf(2L), SmsHistory.toImport(rows, SyncCursor(), known, facts).map { it.id })
    }
}
