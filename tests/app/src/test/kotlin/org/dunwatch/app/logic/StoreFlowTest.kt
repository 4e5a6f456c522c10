package org.dunwatch.app.logic

import org.dunwatch.core.CallDirection
import org.dunwatch.core.CallEvent
import org.dunwatch.core.DunwatchException
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.Jurisdiction
import org.dunwatch.core.Moment
import org.dunwatch.core.Role
import org.dunwatch.core.ScreenDecision
import org.dunwatch.core.Settings
import org.dunwatch.core.SmsDirection
import org.dunwatch.core.SmsEvent
import org.dunwatch.core.Source
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.time.ZoneId

/**
 * The logic layer over the real store: the host build of the JNI library, loaded through the
 * same bridge the app uses (run.sh passes its path).
 */
class StoreFlowTest {
    private val shanghai = ZoneId.of("Asia/Shanghai")

    /** 2023-11-14 22:13:20 UTC = 06:13 in Shanghai. */
    private val t0 = 1_700_000_000_000L
    private lateinit var store: DunwatchStore

    @BeforeEach
    fun open() {
        val path = Files.createTempDirectory("dunwatch-app").resolve("store.db").toString()
        store = DunwatchStore.open(path, Settings(Jurisdiction.CN, Role.FAMILY, "Asia/Shanghai"))
    }

    @AfterEach
    fun close() = store.close()

    private fun calls() = store.events().filterIsInstance<CallEvent>()

    /** The code [Languages.ruleTexts] picks reaches core: a Taiwan locale gets Traditional texts. */
    @Test
    fun `rule texts follow the locale's script`() {
        val text = { tag: String -> store.ruleTexts(Languages.ruleTexts(java.util.Locale.forLanguageTag(tag)))["CN.TIME.GBT"]!! }
        assertEquals("夜間（22:00–08:00）不得催收", text("zh-TW").description)
        assertTrue(text("zh-HK").source.startsWith("國家標準"), text("zh-HK").source)
        assertEquals("夜间（22:00–08:00）不得催收", text("zh-CN").description)
        assertEquals("no collection at night", text("en-US").description)
    }

    @Test
    fun `a multipart SMS is stored once, joined, with both instants`() {
        val intake = SmsIntake(store, SmsDedup(), shanghai)
        val parts = listOf(SmsPart("+8613800138000", "您已逾期，", t0 - 5_000), SmsPart("+8613800138000", "请还款", t0 - 4_000))
        val first = intake.record(parts, t0)
        assertTrue(first.single().recorded!!.isNew)
        assertNull(intake.record(parts, t0 + 9_000).single().recorded, "a second delivery of the broadcast is not re-offered")
        val sms = store.events().single() as SmsEvent
        assertEquals("您已逾期，请还款", sms.body)
        assertEquals(SmsDirection.INCOMING, sms.direction)
        assertEquals(Moment(t0, 8 * 3600), sms.received)
        assertEquals(Moment(t0 - 5_000, 8 * 3600), sms.sent)
        assertEquals(Source.LIVE, sms.source)
    }

    @Test
    fun `a text with a lone surrogate is kept repaired, with a note saying so`() {
        val out = SmsIntake(store, SmsDedup(), shanghai).record(listOf(SmsPart("10690000", "pay \uD83D now", t0)), t0)
        assertTrue(out.single().repaired)
        assertEquals("pay \uFFFD now", (store.events().single() as SmsEvent).body)
        assertEquals(1L, store.verify().chains.associate { it.chain to it.rows }["annotations"])
    }

    @Test
    fun `a collector calling a family member is rejected, and the call and decision are kept`() {
        store.tagNumber("13800138000", "Loan A")
        val screening = CallScreening(store)
        val at = Moment.of(t0, shanghai)
        val d = screening.decide("+86 138 0013 8000", at)
        assertEquals(ScreenDecision.REJECT, d.screening!!.decision)
        assertEquals(ResponsePlan(disallow = true, reject = true, silence = false, skipNotification = true, skipCallLog = false), d.plan)
        val rec = screening.record("+86 138 0013 8000", at, d)
        assertTrue(rec.isNew)
        assertEquals(rec.id, calls().single().id)
        // The case's creation and the number's join are chained membership annotations; the
        // screening decision is the third.
        assertEquals(3L, store.verify().chains.associate { it.chain to it.rows }["annotations"])

        val unknown = screening.decide("13900139000", at)
        assertEquals(ResponsePlan.ALLOW, unknown.plan)
    }

    @Test
    fun `screening a closed store lets the call ring`() {
        val screening = CallScreening(store)
        store.close()
        val d = screening.decide("13800138000", Moment.of(t0, shanghai))
        assertEquals(ResponsePlan.ALLOW, d.plan)
        assertTrue(d.error is DunwatchException)
        open() // for close()
    }

    @Test
    fun `the call log updates the live record and adds the calls it missed, once`() {
        val live = store.recordCall("13800138000", CallDirection.INCOMING, Moment.of(t0, shanghai), source = Source.LIVE)
        val rows = listOf(
            CallLogRow(10, "+8613800138000", CallLogTypes.INCOMING, t0 + 800, 95),
            CallLogRow(11, "13900139000", CallLogTypes.MISSED, t0 + 3_600_000, 0),
            CallLogRow(12, "13900139000", CallLogTypes.ANSWERED_EXTERNALLY, t0 + 7_200_000, 0),
        )
        val syncer = CallLogSyncer(store, shanghai)
        val r = syncer.sync(rows, SyncCursor(), nowMs = t0 + 9_000_000)
        assertNull(r.error)
        assertEquals(SyncCursor(12, t0 + 9_000_000), r.cursor)
        assertEquals(Triple(1, 1, 1), Triple(r.recorded, r.updated, r.skipped))

        val byId = calls().associateBy { it.id }
        assertEquals(2, byId.size)
        val updated = byId.getValue(live.id)
        assertEquals(95_000L, updated.talkMs)
        assertEquals(Source.LIVE, updated.source)
        val missed = byId.values.single { it.id != live.id }
        assertEquals(CallDirection.MISSED, missed.direction)
        assertEquals(Source.CALL_LOG, missed.source)
        assertEquals(Moment(t0 + 3_600_000, 8 * 3600), missed.start)

        val again = syncer.sync(rows, r.cursor, nowMs = t0 + 9_500_000)
        assertEquals(Triple(0, 0, 0), Triple(again.recorded, again.updated, again.skipped))
        assertEquals(12L, again.cursor.lastId)
        assertEquals(2, calls().size)
        assertTrue(store.verify().ok)
    }

    @Test
    fun `the calls a sync records that break a rule are reported for the notification`() {
        store.tagNumber("13900139000", "Loan B")
        val rows = listOf(
            CallLogRow(20, "13900139000", CallLogTypes.MISSED, t0, 0),
            CallLogRow(21, "13700137000", CallLogTypes.MISSED, t0 + 60_000, 0),
        )
        val r = CallLogSyncer(store, shanghai).sync(rows, SyncCursor(), t0 + 120_000)
        assertEquals(2, r.recorded)
        val collector = calls().single { it.number.normalized.endsWith("13900139000") }
        assertEquals(listOf(collector.id), r.flagged, "the tagged collector's call on a family member's phone is flagged, the other not")
        assertTrue(store.flags(org.dunwatch.core.FlagQuery(eventId = collector.id)).isNotEmpty())
    }

    @Test
    fun `a row core refuses is passed over, a failing store keeps the cursor`() {
        val rows = listOf(
            CallLogRow(1, "13800138000", CallLogTypes.MISSED, t0, 0),
            CallLogRow(2, "138\uD800", CallLogTypes.MISSED, t0 + 1_000, 0),
            CallLogRow(3, "13800138000", CallLogTypes.MISSED, t0 + 2_000, 0),
        )
        val r = CallLogSyncer(store, shanghai).sync(rows, SyncCursor(), t0 + 5_000)
        assertNull(r.error)
        assertEquals(3L, r.cursor.lastId)
        assertEquals(2, r.recorded)
        assertEquals(listOf(2L), r.refused.map { it.first })
        assertTrue(r.refused.single().second.contains("surrogate"), r.refused.single().second)

        val more = listOf(CallLogRow(4, "13800138000", CallLogTypes.MISSED, t0 + 9_000, 0))
        val syncer = CallLogSyncer(store, shanghai)
        store.close()
        val failed = syncer.sync(rows + more, r.cursor, t0 + 10_000)
        assertNotNull(failed.error)
        assertEquals(r.cursor, failed.cursor, "nothing was processed, the cursor stays")
        open()
    }

    @Test
    fun `importing the SMS history adds what the receiver missed, once`() {
        SmsIntake(store, SmsDedup(), shanghai).record(listOf(SmsPart("+8613800138000", "请还款", t0 - 3_000)), t0)
        val rows = listOf(
            SmsRow(100, "+8613800138000", "请还款", SmsHistory.TYPE_INBOX, t0 + 15, t0 - 3_000),
            SmsRow(101, "+8613800138000", "不还就通知你家人", SmsHistory.TYPE_INBOX, t0 + 60_000_000, 0),
            SmsRow(102, "+8613800138000", "STOP", SmsHistory.TYPE_SENT, t0 + 61_000_000, 0),
        )
        val importer = SmsHistoryImporter(store, shanghai)
        val r = importer.import(rows, SyncCursor(), t0 + 70_000_000)
        assertNull(r.error)
        assertEquals(102L, r.cursor.lastId)
        assertEquals(2, r.recorded)
        val sms = store.events().filterIsInstance<SmsEvent>().sortedBy { it.id }
        assertEquals(listOf("请还款", "不还就通知你家人", "STOP"), sms.map { it.body })
        assertEquals(listOf(Source.LIVE, Source.IMPORT, Source.IMPORT), sms.map { it.source })
        assertEquals(SmsDirection.OUTGOING, sms[2].direction)
        assertNull(sms[1].sent, "no sender time stamp: none stored")

        assertEquals(0, importer.import(rows, SyncCursor(), t0 + 80_000_000).recorded, "a full re-import adds nothing")
        assertEquals(3L, store.eventCount())
    }

    @Test
    fun `a stop request typed on the screen makes later contacts of its case break US CEASE`() {
        val ny = ZoneId.of("America/New_York")
        store.changeSettings(Settings(Jurisdiction.US, Role.BORROWER, "America/New_York"))
        store.tagNumber("+12125550123", "Acme Recovery")
        // Typed an hour after it happened; the store gets the typed time, not the typing time.
        val typedAt = t0 + 3_600_000
        val stopLocal = java.time.Instant.ofEpochMilli(t0).atZone(ny).toLocalDateTime()
        val form = EvidenceForm.parse(
            EvidenceForm.Kind.STOP_REQUEST, " Acme Recovery ", "", "%tF %<tR".format(stopLocal), ny, typedAt, "I asked the collector to stop contacting me.",
        ) as EvidenceForm.Result.Ok
        assertEquals(Moment(t0 - t0 % 60_000, -5 * 3600), form.at)
        store.recordStopRequest(form.caseName, form.text, form.at)
        store.recordSms("+12125550123", "Pay your overdue balance today or we escalate.", SmsDirection.INCOMING, Moment.of(t0 - 600_000, ny))
        store.recordSms("+12125550123", "Final notice: your overdue account must be paid.", SmsDirection.INCOMING, Moment.of(t0 + 7_200_000, ny))
        val cease = store.flags().filter { it.rule == "US.CEASE" }
        assertEquals(1, cease.size, "only the text after the stop request: ${store.flags()}")
        // A file attached on the screen is pinned by its fingerprint; the chains still verify.
        val digest = FileDigest.of("recording".byteInputStream())
        store.addAttachment(FileDigest.cleanName("/sdcard/call.m4a"), digest.sha256Hex, digest.size, Moment.of(typedAt, ny), form.caseName)
        assertTrue(store.verify().ok)
    }
}
