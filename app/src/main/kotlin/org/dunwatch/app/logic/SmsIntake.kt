package org.dunwatch.app.logic

import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.Moment
import org.dunwatch.core.Recorded
import org.dunwatch.core.SmsDirection
import org.dunwatch.core.Source
import org.dunwatch.core.Text
import java.time.ZoneId

/** What happened to one assembled message. */
data class SmsOutcome(
    val sms: IncomingSms,
    /** Null when the message was a repeat and was not offered to the store. */
    val recorded: Recorded?,
    /** True when unpaired UTF-16 surrogates had to be replaced before storing (and a note says so). */
    val repaired: Boolean,
)

/**
 * Records the messages of one `SMS_RECEIVED` broadcast in the evidence store. Called by the
 * receiver on a background thread.
 */
class SmsIntake(private val store: DunwatchStore, private val dedup: SmsDedup, private val zone: ZoneId) {
    fun record(parts: List<SmsPart>, receivedMs: Long, simSlot: Int? = null): List<SmsOutcome> =
        SmsAssembler.assemble(parts).map { sms ->
            if (!dedup.firstTime(sms)) return@map SmsOutcome(sms, null, false)
            // A broken text (a lone surrogate from a bad encoder) would be refused by the store;
            // keeping a visibly repaired copy plus a note beats losing the message.
            val repaired = Text.hasUnpairedSurrogate(sms.body)
            val body = if (repaired) Text.replaceUnpairedSurrogates(sms.body) else sms.body
            val received = Moments.at(receivedMs, zone)
            val rec = try {
                store.recordSms(
                    sms.sender, body, SmsDirection.INCOMING, received,
                    sent = Moments.at(sms.sentMs, zone), simSlot = simSlot, source = Source.LIVE,
                )
            } catch (e: Exception) {
                // Not stored (a full disk, say): a later delivery of it must not count as a repeat.
                dedup.forget(sms)
                throw e
            }
            if (repaired && rec.isNew) {
                store.addNote("unpaired UTF-16 surrogates in the received text were replaced by U+FFFD", received, eventId = rec.id)
            }
            SmsOutcome(sms, rec, repaired)
        }
}

/** Moments for instants the phone saw. */
object Moments {
    /**
     * [utcMs] with the offset that [zone] had *at that instant* (not now): a call-log row from
     * before a DST change keeps the offset it happened under.
     */
    fun at(utcMs: Long, zone: ZoneId): Moment = Moment.of(utcMs, zone)
}
