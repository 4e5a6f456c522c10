package org.dunwatch.app.logic

/**
 * One PDU part of an incoming SMS as the framework decoded it (`SmsMessage`), copied into plain
 * data so that assembly and de-duplication are testable without Android.
 */
data class SmsPart(
    /** Sender as the network gave it; null when withheld. */
    val sender: String?,
    /** Decoded text of this part; null for data or undecodable parts. */
    val body: String?,
    /** Service-centre time stamp of the part (when the network accepted it), UTC ms. */
    val sentMs: Long,
)

/** A whole message: its parts joined in order. */
data class IncomingSms(val sender: String, val body: String, val sentMs: Long)

/**
 * Joins the parts of one `SMS_RECEIVED` broadcast into messages. The framework hands over the
 * parts of a concatenated message in order; parts from different senders (rare, but the intent
 * format allows it) become separate messages. A message whose every part has no text is dropped:
 * there is nothing to keep as evidence and nothing to classify.
 */
object SmsAssembler {
    fun assemble(parts: List<SmsPart>): List<IncomingSms> {
        val bySender = LinkedHashMap<String, MutableList<SmsPart>>()
        for (p in parts) bySender.getOrPut(p.sender.orEmpty()) { mutableListOf() }.add(p)
        return bySender.mapNotNull { (sender, ps) ->
            val texts = ps.mapNotNull { it.body }
            if (texts.isEmpty()) null else IncomingSms(sender, texts.joinToString(""), ps.minOf { it.sentMs })
        }
    }
}

/**
 * Remembers the last [capacity] messages so that a broadcast delivered twice (after a receiver
 * restart, or by two SIM stacks) is recorded once. The store is idempotent too, but only for the
 * same *received* instant, which a second delivery does not share.
 */
class SmsDedup(private val capacity: Int = 256) {
    init {
        require(capacity > 0) { "capacity must be positive, was $capacity" }
    }

    private val seen = object : LinkedHashMap<Triple<String, Long, String>, Unit>(16, 0.75f, true) {
        override fun removeEldestEntry(eldest: MutableMap.MutableEntry<Triple<String, Long, String>, Unit>?) =
            size > capacity
    }

    /** True the first time [sms] is offered (and remembers it); false for a repeat. */
    @Synchronized
    fun firstTime(sms: IncomingSms): Boolean = seen.put(Triple(sms.sender, sms.sentMs, sms.body), Unit) == null

    /** Forgets [sms] (it could not be stored): a later delivery of it is offered again. */
    @Synchronized
    fun forget(sms: IncomingSms) {
        seen.remove(Triple(sms.sender, sms.sentMs, sms.body))
    }
}
