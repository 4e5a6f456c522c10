package org.dunwatch.app.logic

import org.dunwatch.core.CallDirection
import org.dunwatch.core.CallEvent
import org.dunwatch.core.CoreFacts
import org.dunwatch.core.DunwatchException
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.EventQuery
import org.dunwatch.core.Source
import java.time.ZoneId

/** One `CallLog.Calls` row, as plain data. */
data class CallLogRow(
    /** `_ID`: rows are inserted when a call ends, so ids grow in the order calls are logged. */
    val id: Long,
    val number: String,
    /** `TYPE`, see [CallLogTypes]. */
    val type: Int,
    /** `DATE`: when the call started, UTC ms. */
    val dateMs: Long,
    /** `DURATION`: talk time in seconds (0 when not answered). */
    val durationSecs: Long,
)

/**
 * Where the last sync stopped. The cursor is the highest call-log `_ID` processed, not a date: a
 * call that started before the last sync but ended after it gets its row (and a higher id) only
 * at its end, and would be missed by a date cursor.
 */
data class SyncCursor(val lastId: Long = 0, val lastSyncMs: Long = 0)

/** A call the screening service recorded live, waiting for its outcome from the call log. */
data class LiveCall(val id: Long, val number: String, val startMs: Long)

sealed class SyncAction {
    abstract val row: CallLogRow

    /** A call the store has not seen: record it from the call log. */
    data class Record(override val row: CallLogRow, val direction: CallDirection) : SyncAction()

    /** The call log's outcome of a call recorded live ([callId]). */
    data class Update(override val row: CallLogRow, val callId: Long, val direction: CallDirection) : SyncAction()

    /** A row the evidence has no use for. */
    data class Skip(override val row: CallLogRow, val why: String) : SyncAction()
}

object CallLogSyncPlanner {
    /** Rows not processed yet, oldest first. */
    fun newRows(rows: List<CallLogRow>, cursor: SyncCursor): List<CallLogRow> =
        rows.filter { it.id > cursor.lastId }.sortedBy { it.id }

    /**
     * Decides per row: an incoming-side row with a live record of the same number close in time
     * (core's [CoreFacts.providerMatchWindowMs]) updates that record (each live record takes at
     * most one row, the closest); every other usable row is recorded as a new call.
     */
    fun plan(rows: List<CallLogRow>, live: List<LiveCall>, facts: CoreFacts): List<SyncAction> {
        val unused = live.toMutableList()
        return rows.map { row ->
            val direction = CallLogTypes.direction(row.type)
                ?: return@map SyncAction.Skip(row, "call-log type ${row.type} is not evidence")
            if (direction == CallDirection.OUTGOING) return@map SyncAction.Record(row, direction)
            val match = unused
                .filter { sameNumber(it.number, row.number, facts) && Math.abs(it.startMs - row.dateMs) <= facts.providerMatchWindowMs }
                .minByOrNull { Math.abs(it.startMs - row.dateMs) }
            if (match == null) {
                SyncAction.Record(row, direction)
            } else {
                unused.remove(match)
                SyncAction.Update(row, match.id, direction)
            }
        }
    }

    /**
     * True when two numbers as the system wrote them name the same line: equal digits, or one is
     * the other with a country or trunk prefix (the shorter has at least 7 digits). Withheld
     * numbers (as core defines them, [CoreFacts.isWithheld]) only match each other; numbers
     * without digits (a sender name) only the same name.
     */
    fun sameNumber(a: String, b: String, facts: CoreFacts): Boolean {
        if (facts.isWithheld(a) || facts.isWithheld(b)) return facts.isWithheld(a) && facts.isWithheld(b)
        val da = a.filter { it in '0'..'9' }
        val db = b.filter { it in '0'..'9' }
        if (da.isEmpty() || db.isEmpty()) return a.trim().equals(b.trim(), ignoreCase = true)
        if (da == db) return true
        val (short, long) = if (da.length <= db.length) da to db else db to da
        return short.length >= 7 && long.endsWith(short)
    }
}

/** Counts of one sync, and the cursor to keep. */
data class SyncResult(
    val cursor: SyncCursor,
    val recorded: Int,
    val updated: Int,
    /** Rows not used: types that are not evidence, and rows core refused (see [refused]). */
    val skipped: Int,
    /** Ids of rows core refused as invalid (e.g. a broken number), with core's message; not retried. */
    val refused: List<Pair<Long, String>> = emptyList(),
    /** The failure that stopped the sync early; [cursor] stops before the row that failed. */
    val error: Exception? = null,
    /** Events recorded or updated that raised new flags (for the violation notifications). */
    val flagged: List<Long> = emptyList(),
)

/** Applies a call-log sync to the store. Called on a background thread. */
class CallLogSyncer(private val store: DunwatchStore, private val zone: ZoneId, private val facts: CoreFacts = DunwatchStore.coreFacts) {
    fun sync(rows: List<CallLogRow>, cursor: SyncCursor, nowMs: Long): SyncResult {
        val fresh = CallLogSyncPlanner.newRows(rows, cursor)
        if (fresh.isEmpty()) return SyncResult(cursor.copy(lastSyncMs = nowMs), 0, 0, 0)
        val window = facts.providerMatchWindowMs
        val live = try {
            liveCalls(fresh.minOf { it.dateMs } - window, fresh.maxOf { it.dateMs } + window)
        } catch (e: Exception) {
            return SyncResult(cursor, 0, 0, 0, error = e)
        }
        var recorded = 0
        var updated = 0
        var skipped = 0
        val refused = mutableListOf<Pair<Long, String>>()
        val flagged = mutableListOf<Long>()
        var lastId = cursor.lastId
        for (action in CallLogSyncPlanner.plan(fresh, live, facts)) {
            val row = action.row
            try {
                when (action) {
                    is SyncAction.Record -> {
                        val r = store.recordCall(
                            row.number, action.direction, Moments.at(row.dateMs, zone),
                            talkMs = row.durationSecs * 1000, source = Source.CALL_LOG,
                        )
                        if (r.newFlags > 0) flagged += r.id
                        recorded++
                    }
                    is SyncAction.Update -> {
                        val r = store.updateCall(action.callId, action.direction, row.durationSecs * 1000)
                        if (r.newFlags > 0) flagged += action.callId
                        updated++
                    }
                    is SyncAction.Skip -> skipped++
                }
            } catch (e: DunwatchException) {
                // A row core refuses would be refused on every retry: pass it, and say so. Any
                // other failure (storage, closed store) stops here, to resume at this row.
                if (e.kind != DunwatchException.Kind.INVALID_ARGUMENT) {
                    return SyncResult(SyncCursor(lastId, cursor.lastSyncMs), recorded, updated, skipped, refused, e, flagged)
                }
                skipped++
                refused += row.id to (e.message ?: "refused")
            } catch (e: Exception) {
                return SyncResult(SyncCursor(lastId, cursor.lastSyncMs), recorded, updated, skipped, refused, e, flagged)
            }
            lastId = row.id
        }
        return SyncResult(SyncCursor(lastId, nowMs), recorded, updated, skipped, refused, flagged = flagged)
    }

    /**
     * Live-recorded incoming calls in the window that no call-log row has updated yet (an update
     * sets a talk time or a direction other than incoming).
     */
    private fun liveCalls(fromMs: Long, toMs: Long): List<LiveCall> {
        val out = mutableListOf<LiveCall>()
        var offset = 0
        val page = 500
        while (true) {
            val events = store.events(EventQuery(fromMs = fromMs, toMs = toMs, offset = offset, limit = page, newestFirst = false))
            events.filterIsInstance<CallEvent>()
                .filter { it.source == Source.LIVE && it.direction == CallDirection.INCOMING && it.talkMs == 0L && it.ringMs == null }
                .mapTo(out) { LiveCall(it.id, it.number.raw, it.start.utcMs) }
            if (events.size < page) return out
            offset += page
        }
    }
}
