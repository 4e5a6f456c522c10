package org.dunwatch.app.logic

import org.dunwatch.core.CallDirection
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CallLogSyncPlannerTest {
    /** Core's facts (the window and the withheld numbers), as the app reads them. */
    private val facts = org.dunwatch.core.DunwatchStore.coreFacts
    private fun row(id: Long, number: String, type: Int, date: Long, dur: Long = 0) = CallLogRow(id, number, type, date, dur)

    @Test
    fun `only rows after the cursor are new, oldest id first`() {
        val rows = listOf(row(7, "1", 1, 700), row(3, "1", 1, 300), row(5, "1", 1, 500), row(9, "1", 1, 100))
        assertEquals(listOf(7L, 9L), CallLogSyncPlanner.newRows(rows, SyncCursor(lastId = 5)).map { it.id })
        assertEquals(listOf(3L, 5L, 7L, 9L), CallLogSyncPlanner.newRows(rows, SyncCursor()).map { it.id })
    }

    @Test
    fun `a row of a live-recorded call updates it, others are recorded, unusable ones skipped`() {
        val live = listOf(LiveCall(41, "+86 138 0013 8000", 1_000_000))
        val rows = listOf(
            row(1, "13800138000", CallLogTypes.INCOMING, 1_000_900, 95),
            row(2, "13800138000", CallLogTypes.MISSED, 5_000_000),
            row(3, "13800138000", CallLogTypes.OUTGOING, 1_000_100, 30),
            row(4, "13800138000", CallLogTypes.ANSWERED_EXTERNALLY, 1_000_200),
        )
        val plan = CallLogSyncPlanner.plan(rows, live, facts)
        assertEquals(SyncAction.Update(rows[0], 41, CallDirection.INCOMING), plan[0])
        assertEquals(SyncAction.Record(rows[1], CallDirection.MISSED), plan[1])
        assertEquals(SyncAction.Record(rows[2], CallDirection.OUTGOING), plan[2], "outgoing calls are never screened live")
        assertTrue(plan[3] is SyncAction.Skip)
    }

    @Test
    fun `each live call takes one row, the closest in time, within the window`() {
        val live = listOf(LiveCall(1, "555 0100 200", 10_000), LiveCall(2, "5550100200", 40_000))
        val rows = listOf(
            row(1, "5550100200", CallLogTypes.REJECTED, 39_000),
            row(2, "5550100200", CallLogTypes.MISSED, 12_000),
            row(3, "5550100200", CallLogTypes.MISSED, 11_000),
            row(4, "5550100200", CallLogTypes.MISSED, 40_000 + facts.providerMatchWindowMs + 1),
        )
        val plan = CallLogSyncPlanner.plan(rows, live, facts)
        assertEquals(SyncAction.Update(rows[0], 2, CallDirection.REJECTED), plan[0])
        assertEquals(SyncAction.Update(rows[1], 1, CallDirection.MISSED), plan[1])
        assertEquals(SyncAction.Record(rows[2], CallDirection.MISSED), plan[2], "live call 1 is taken")
        assertEquals(SyncAction.Record(rows[3], CallDirection.MISSED), plan[3], "outside the window")
    }

    @Test
    fun `another number never matches`() {
        val plan = CallLogSyncPlanner.plan(listOf(row(1, "13900139000", 1, 1_000, 10)), listOf(LiveCall(5, "13800138000", 1_000)), facts)
        assertEquals(SyncAction.Record::class, plan.single()::class)
    }

    @Test
    fun `numbers match by digits, with prefixes, but not on short tails`() {
        assertTrue(CallLogSyncPlanner.sameNumber("+86 138-0013-8000", "13800138000", facts))
        assertTrue(CallLogSyncPlanner.sameNumber("+1 (555) 010-0200", "5550100200", facts))
        assertTrue(CallLogSyncPlanner.sameNumber("", "-2", facts), "two withheld numbers")
        assertFalse(CallLogSyncPlanner.sameNumber("", "13800138000", facts))
        assertFalse(CallLogSyncPlanner.sameNumber("95588", "4009588", facts), "a 5-digit tail is not enough")
        assertFalse(CallLogSyncPlanner.sameNumber("13800138000", "13800138001", facts))
        // Withheld as core defines it (a word the app once missed), and sender names by name.
        assertTrue(CallLogSyncPlanner.sameNumber("Withheld", " private ", facts))
        assertFalse(CallLogSyncPlanner.sameNumber("withheld", "95588", facts))
        assertTrue(CallLogSyncPlanner.sameNumber("BANK", "bank", facts))
        assertFalse(CallLogSyncPlanner.sameNumber("BANK", "LOANS", facts))
    }
}
