package org.dunwatch.app.logic

import android.provider.CallLog
import org.dunwatch.core.CallDirection
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class CallLogTypesTest {
    @Test
    fun `the copied constants are the framework's`() {
        // Compile-time constants: inlined by the compiler, so no Android class loads here.
        assertEquals(CallLog.Calls.INCOMING_TYPE, CallLogTypes.INCOMING)
        assertEquals(CallLog.Calls.OUTGOING_TYPE, CallLogTypes.OUTGOING)
        assertEquals(CallLog.Calls.MISSED_TYPE, CallLogTypes.MISSED)
        assertEquals(CallLog.Calls.VOICEMAIL_TYPE, CallLogTypes.VOICEMAIL)
        assertEquals(CallLog.Calls.REJECTED_TYPE, CallLogTypes.REJECTED)
        assertEquals(CallLog.Calls.BLOCKED_TYPE, CallLogTypes.BLOCKED)
        assertEquals(CallLog.Calls.ANSWERED_EXTERNALLY_TYPE, CallLogTypes.ANSWERED_EXTERNALLY)
    }

    @Test
    fun `each type maps to its direction`() {
        assertEquals(CallDirection.INCOMING, CallLogTypes.direction(1))
        assertEquals(CallDirection.OUTGOING, CallLogTypes.direction(2))
        assertEquals(CallDirection.MISSED, CallLogTypes.direction(3))
        assertEquals(CallDirection.MISSED, CallLogTypes.direction(4))
        assertEquals(CallDirection.REJECTED, CallLogTypes.direction(5))
        assertEquals(CallDirection.BLOCKED, CallLogTypes.direction(6))
        assertNull(CallLogTypes.direction(7))
        assertNull(CallLogTypes.direction(0))
        assertNull(CallLogTypes.direction(99))
    }
}
