package org.dunwatch.app.logic

import org.dunwatch.core.CallDirection

/**
 * `CallLog.Calls.TYPE` values (copied here so the mapping is testable without Android; a test
 * compiled against the framework checks them against `CallLog.Calls`).
 */
object CallLogTypes {
    const val INCOMING = 1
    const val OUTGOING = 2
    const val MISSED = 3
    const val VOICEMAIL = 4
    const val REJECTED = 5
    const val BLOCKED = 6
    const val ANSWERED_EXTERNALLY = 7

    /**
     * The bridge's direction for a call-log type, or null for a type the evidence has no use for
     * (a call answered on another device of the user's, unknown future types).
     * A voicemail is a missed call that left a message: the collector called and was not answered.
     */
    fun direction(type: Int): CallDirection? = when (type) {
        INCOMING -> CallDirection.INCOMING
        OUTGOING -> CallDirection.OUTGOING
        MISSED, VOICEMAIL -> CallDirection.MISSED
        REJECTED -> CallDirection.REJECTED
        BLOCKED -> CallDirection.BLOCKED
        else -> null
    }
}
