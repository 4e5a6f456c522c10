package org.dunwatch.robo

import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.telecom.Call
import android.telecom.CallScreeningService
import android.telecom.DisconnectCause
import android.telecom.ParcelableCall
import com.android.internal.telecom.ICallScreeningAdapter
import com.android.internal.telecom.ICallScreeningService
import org.dunwatch.app.DunwatchScreeningService
import org.robolectric.Robolectric
import java.util.Collections

/**
 * Telecom's side of call screening on API 29: binds the app's service through its manifest
 * intent and hands it a ringing call over the binder, as the system does. The adapter collects
 * the service's answers.
 */
class Telecom(private val context: Context) {
    class Adapter : ICallScreeningAdapter.Stub() {
        val answers: MutableList<String> = Collections.synchronizedList(mutableListOf())
        override fun allowCall(id: String) { answers += "allow $id" }
        override fun silenceCall(id: String) { answers += "silence $id" }
        override fun disallowCall(id: String, reject: Boolean, log: Boolean, notify: Boolean, c: ComponentName?) {
            answers += "disallow $id reject=$reject notify=$notify"
        }
    }

    val adapter = Adapter()

    fun ring(number: String, id: String = "call-1") {
        val intent = Intent(CallScreeningService.SERVICE_INTERFACE).setClass(context, DunwatchScreeningService::class.java)
        val service = Robolectric.buildService(DunwatchScreeningService::class.java, intent).create().get()
        ICallScreeningService.Stub.asInterface(service.onBind(intent)).screenCall(
            adapter,
            ParcelableCall(
                id, 2 /* RINGING */, DisconnectCause(DisconnectCause.UNKNOWN), emptyList(), 0, 0, 0, 0L,
                Uri.fromParts("tel", number, null), 1, null, 1, null, null, false, null, false, null, null,
                emptyList(), null, 0, emptyList(), Bundle(), Bundle(), System.currentTimeMillis(),
                Call.Details.DIRECTION_INCOMING,
            ),
        )
    }
}
