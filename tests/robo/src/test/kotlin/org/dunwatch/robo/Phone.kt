package org.dunwatch.robo

import android.content.ContentProvider
import android.content.ContentValues
import android.content.pm.ProviderInfo
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import org.robolectric.Robolectric
import org.w3c.dom.Element
import java.io.ByteArrayOutputStream
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/** A GSM SMS-DELIVER PDU with a UCS-2 body, as the radio hands it to the framework. */
object Pdu {
    fun deliver(number: String, body: String, stamp: String = "250328203000"): ByteArray = ByteArrayOutputStream().apply {
        write(0x00); write(0x04) // no SMSC; SMS-DELIVER
        val d = number.removePrefix("+")
        write(d.length); write(0x91); semiOctets(d).forEach(::write)
        write(0x00); write(0x08) // PID; DCS = UCS-2
        semiOctets(stamp).forEach(::write); write(0x00) // time stamp, UTC
        val ud = body.toByteArray(Charsets.UTF_16BE)
        require(ud.size <= 140) { "one PDU holds 70 UCS-2 characters" }
        write(ud.size); write(ud)
    }.toByteArray()

    /** The PDUs of one long message (concatenated SMS, 16-bit-free 8-bit reference), 67 UCS-2 characters each. */
    fun deliverLong(number: String, body: String, ref: Int = 42): List<ByteArray> {
        val chunks = body.chunked(67)
        return chunks.mapIndexed { i, text ->
            ByteArrayOutputStream().apply {
                write(0x00); write(0x44) // no SMSC; SMS-DELIVER with a user-data header
                val d = number.removePrefix("+")
                write(d.length); write(0x91); semiOctets(d).forEach(::write)
                write(0x00); write(0x08)
                semiOctets("250328203000").forEach(::write); write(0x00)
                val ud = text.toByteArray(Charsets.UTF_16BE)
                write(6 + ud.size)
                write(5); write(0x00); write(3); write(ref); write(chunks.size); write(i + 1) // concatenation header
                write(ud)
            }.toByteArray()
        }
    }

    private fun semiOctets(s: String) = (if (s.length % 2 == 0) s else s + "F").chunked(2)
        .map { (it[1].digitToInt(16) shl 4) or it[0].digitToInt(16) }
}

/**
 * The phone's SMS and call-log providers, as rows in memory: what `Telephony.Sms` and
 * `CallLog.Calls` answer to the app's queries (`_id > ?`, ascending).
 */
abstract class RowsProvider : ContentProvider() {
    abstract val columns: Array<String>
    abstract val rows: MutableList<Array<Any?>>

    override fun onCreate() = true

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor {
        val after = args?.firstOrNull()?.toLongOrNull() ?: -1
        val cols = projection?.map { it }?.toTypedArray() ?: columns
        val idx = cols.map { c -> columns.indexOf(c).also { require(it >= 0) { "unknown column $c" } } }
        return MatrixCursor(cols).apply {
            for (r in rows.sortedBy { it[0] as Long }) if ((r[0] as Long) > after) addRow(idx.map { r[it] })
        }
    }

    override fun getType(uri: Uri): String? = null
    override fun insert(uri: Uri, values: ContentValues?): Uri? = null
    override fun delete(uri: Uri, selection: String?, args: Array<out String>?) = 0
    override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<out String>?) = 0
}

class FakeSmsProvider : RowsProvider() {
    override val columns = arrayOf("_id", "address", "body", "type", "date", "date_sent")
    override val rows get() = SMS
    companion object { val SMS = mutableListOf<Array<Any?>>() }
}

class FakeCallLogProvider : RowsProvider() {
    override val columns = arrayOf("_id", "number", "type", "date", "duration")
    override val rows get() = CALLS
    companion object { val CALLS = mutableListOf<Array<Any?>>() }
}

object Providers {
    fun install() {
        FakeSmsProvider.SMS.clear()
        FakeCallLogProvider.CALLS.clear()
        Robolectric.buildContentProvider(FakeSmsProvider::class.java).create(ProviderInfo().apply { authority = "sms" })
        Robolectric.buildContentProvider(FakeCallLogProvider::class.java).create(ProviderInfo().apply { authority = "call_log" })
    }

    /** Fills both providers with the example phone export (tests/fixtures/backup). */
    fun loadExampleExport() {
        val dir = File(System.getProperty("dunwatch.fixtures") ?: "../fixtures", "backup")
        val f = DocumentBuilderFactory.newInstance().apply {
            isExpandEntityReferences = false
            setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)
        }
        // The backup writes emoji as UTF-16 surrogate references (&#55357;&#56832;), which XML
        // parsers refuse: turn them into the characters first, as the app's importer does.
        val xml = File(dir, "sms-backup.xml").readText().replace(Regex("&#(\\d+);")) { m ->
            val v = m.groupValues[1].toInt()
            if (v in 0xD800..0xDFFF) v.toChar().toString() else m.value
        }
        val sms = f.newDocumentBuilder().parse(org.xml.sax.InputSource(java.io.StringReader(xml))).getElementsByTagName("sms")
        for (i in 0 until sms.length) {
            val e = sms.item(i) as Element
            FakeSmsProvider.SMS += arrayOf<Any?>(
                (i + 1).toLong(), e.getAttribute("address"), e.getAttribute("body"), e.getAttribute("type").toInt(),
                e.getAttribute("date").toLong(), e.getAttribute("date_sent").toLongOrNull() ?: 0L,
            )
        }
        val calls = f.newDocumentBuilder().parse(File(dir, "calls-backup.xml")).getElementsByTagName("call")
        for (i in 0 until calls.length) {
            val e = calls.item(i) as Element
            FakeCallLogProvider.CALLS += arrayOf<Any?>(
                (i + 1).toLong(), e.getAttribute("number"), e.getAttribute("type").toInt(),
                e.getAttribute("date").toLong(), e.getAttribute("duration").toLong(),
            )
        }
    }
}
