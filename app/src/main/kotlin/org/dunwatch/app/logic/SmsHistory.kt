package org.dunwatch.app.logic

import org.dunwatch.core.CoreFacts
import org.dunwatch.core.DunwatchException
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.EventQuery
import org.dunwatch.core.SmsDirection
import org.dunwatch.core.SmsEvent
import org.dunwatch.core.Source
import java.time.ZoneId

/** One row of the phone's SMS provider (`Telephony.Sms`), as plain data. */
data class SmsRow(
    val id: Long,
    val address: String,
    val body: String,
    /** `TYPE`, see [SmsHistory]. */
    val type: Int,
    /** `DATE`: received (or sent) time, UTC ms. */
    val dateMs: Long,
    /** `DATE_SENT`: the sender's time stamp, 0 when unknown. */
    val dateSentMs: Long,
)

/** An SMS the store already holds, for matching. */
data class KnownSms(val number: String, val body: String, val receivedMs: Long)

/**
 * Imports the messages already on the phone (received before the app was installed, or while it
 * was not running). A message the receiver recorded live is in the provider too, with a receipt
 * time a little off: it is recognised (same number and text, within core's
 * [CoreFacts.providerMatchWindowMs]) and not stored again.
 */
object SmsHistory {
    /** `Telephony.TextBasedSmsColumns.MESSAGE_TYPE_INBOX` / `_SENT` (checked by a test). */
    const val TYPE_INBOX = 1
    const val TYPE_SENT = 2

    /** Inbox rows are incoming, sent rows outgoing; drafts, outbox and failed ones are not contacts. */
    fun direction(type: Int): SmsDirection? = when (type) {
        TYPE_INBOX -> SmsDirection.INCOMING
        TYPE_SENT -> SmsDirection.OUTGOING
        else -> null
    }

    /** Rows to import: new ids, real contacts, not already kept; oldest id first. */
    fun toImport(rows: List<SmsRow>, cursor: SyncCursor, known: List<KnownSms>, facts: CoreFacts): List<SmsRow> {
        val unused = known.toMutableList()
        return rows.filter { it.id > cursor.lastId && direction(it.type) != null }.sortedBy { it.id }.filter { row ->
            val match = unused.firstOrNull {
                it.body == row.body && Math.abs(it.receivedMs - row.dateMs) <= facts.providerMatchWindowMs &&
                    CallLogSyncPlanner.sameNumber(it.number, row.address, facts)
            }
            if (match != null) unused.remove(match)
            match == null
        }
    }
}

/** Applies an SMS history import to the store. Called on a background thread. */
class SmsHistoryImporter(private val store: DunwatchStore, private val zone: ZoneId, private val facts: CoreFacts = DunwatchStore.coreFacts) {
    fun import(rows: List<SmsRow>, cursor: SyncCursor, nowMs: Long): SyncResult {
        val fresh = rows.filter { it.id > cursor.lastId }
        if (fresh.isEmpty()) return SyncResult(cursor.copy(lastSyncMs = nowMs), 0, 0, 0)
        val todo = try {
            val window = facts.providerMatchWindowMs
            SmsHistory.toImport(fresh, cursor, known(fresh.minOf { it.dateMs } - window, fresh.maxOf { it.dateMs } + window), facts)
        } catch (e: Exception) {
            return SyncResult(cursor, 0, 0, 0, error = e)
        }
        var recorded = 0
        val refused = mutableListOf<Pair<Long, String>>()
        var lastId = cursor.lastId
        for (row in todo) {
            try {
                val at = Moments.at(row.dateMs, zone)
                val sent = if (row.dateSentMs > 0) Moments.at(row.dateSentMs, zone) else null
                if (store.recordSms(row.address, row.body, SmsHistory.direction(row.type)!!, at, sent, source = Source.IMPORT).isNew) recorded++
            } catch (e: DunwatchException) {
                if (e.kind != DunwatchException.Kind.INVALID_ARGUMENT) {
                    return SyncResult(SyncCursor(lastId, cursor.lastSyncMs), recorded, 0, fresh.size - todo.size, refused, e)
                }
                refused += row.id to (e.message ?: "refused")
            }
            lastId = row.id
        }
        val newest = maxOf(lastId, fresh.maxOf { it.id })
        return SyncResult(SyncCursor(newest, nowMs), recorded, 0, fresh.size - todo.size + refused.size, refused)
    }

    private fun known(fromMs: Long, toMs: Long): List<KnownSms> {
        val out = mutableListOf<KnownSms>()
        var offset = 0
        val page = 500
        while (true) {
            val events = store.events(EventQuery(fromMs = fromMs, toMs = toMs, offset = offset, limit = page, newestFirst = false))
            events.filterIsInstance<SmsEvent>().mapTo(out) { KnownSms(it.number.raw, it.body, it.received.utcMs) }
            if (events.size < page) return out
            offset += page
        }
    }
}
