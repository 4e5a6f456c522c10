package org.dunwatch.core

import org.dunwatch.core.DunwatchException.Kind
import org.dunwatch.core.Support.at
import org.dunwatch.core.Support.expectFailure
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Every function of the bridge on its normal path, through the real native library. */
class BridgeTest {
    private val store = Support.open()

    @AfterEach
    fun close() = store.close()

    @Test
    fun `version comes from the native library`() {
        assertTrue(DunwatchStore.nativeVersion.matches(Regex("""\d+\.\d+\.\d+.*""")), DunwatchStore.nativeVersion)
    }

    @Test
    fun `moments carry the zone's offset at that instant`() {
        val ny = java.time.ZoneId.of("America/New_York")
        assertEquals(Moment(1_719_835_200_000, -4 * 3600), Moment.of(1_719_835_200_000, ny)) // July: EDT
        assertEquals(Moment(1_704_110_400_000, -5 * 3600), Moment.of(1_704_110_400_000, ny)) // January: EST
        val now = Moment.now()
        assertTrue(kotlin.math.abs(now.utcMs - System.currentTimeMillis()) < 60_000)
    }

    @Test
    fun `settings are applied on open and changed later`() {
        assertEquals(Support.family, store.settings)
        val us = Settings(Jurisdiction.US, Role.BORROWER, "America/New_York")
        val summary = store.changeSettings(us)
        assertTrue(summary.events >= 0 && summary.flags >= 0)
        assertEquals(us, store.settings)
        expectFailure(Kind.INVALID_ARGUMENT, "Nowhere/City") {
            store.changeSettings(us.copy(homeTz = "Nowhere/City"))
        }
        assertEquals(us, store.settings)
    }

    @Test
    fun `every jurisdiction the app offers has a rule pack in core`() {
        val zones = mapOf(
            Jurisdiction.CN to "Asia/Shanghai",
            Jurisdiction.US to "America/Chicago",
            Jurisdiction.IN to "Asia/Kolkata",
            Jurisdiction.UK to "Europe/London",
            Jurisdiction.PH to "Asia/Manila",
        )
        assertEquals(Jurisdiction.entries.toSet(), zones.keys)
        for ((j, zone) in zones) {
            val s = Settings(j, Role.BORROWER, zone)
            store.changeSettings(s)
            assertEquals(s, store.settings)
        }
    }

    @Test
    fun `sms round trip keeps every character and is idempotent`() {
        val body = "【某某贷】您已逾期，今天 18:00 前还款 😀\u0000 end"
        val r = store.recordSms("+86 138-0013-8000", body, SmsDirection.INCOMING, at(), sent = at(-1), simSlot = 1)
        assertTrue(r.isNew)
        val again = store.recordSms("+86 138-0013-8000", body, SmsDirection.INCOMING, at(), sent = at(-1), simSlot = 1)
        assertFalse(again.isNew)
        assertEquals(r.id, again.id)
        val out = store.recordSms("13800138000", "请停止联系", SmsDirection.OUTGOING, at(5), source = Source.MANUAL)
        assertTrue(out.isNew)

        val events = store.events(EventQuery(newestFirst = false))
        assertEquals(2, events.size)
        val sms = events[0] as SmsEvent
        assertEquals(body, sms.body)
        assertEquals(SmsDirection.INCOMING, sms.direction)
        assertEquals("+8613800138000", sms.number.normalized)
        assertEquals("+86 138-0013-8000", sms.number.raw)
        assertEquals(NumberKind.E164, sms.number.kind)
        assertEquals(at(), sms.received)
        assertEquals(at(-1), sms.sent)
        assertEquals(1, sms.simSlot)
        assertEquals(Source.LIVE, sms.source)
        assertEquals(64, sms.hash.length)
        val sent = events[1] as SmsEvent
        assertEquals(SmsDirection.OUTGOING, sent.direction)
        assertEquals(Source.MANUAL, sent.source)
        assertNull(sent.sent)
        assertEquals(2L, store.eventCount())
    }

    @Test
    fun `a call is updated with the call log's duration`() {
        val call = store.recordCall("13800138000", CallDirection.INCOMING, at(), ringMs = 4000)
        assertTrue(call.isNew)
        val before = store.events().single() as CallEvent
        assertEquals(0L, before.talkMs)
        assertFalse(before.connected)

        val upd = store.updateCall(call.id, CallDirection.INCOMING, talkMs = 65_000, ringMs = 5000)
        assertTrue(upd.isNew)
        val after = store.events().single() as CallEvent
        assertEquals(call.id, after.id)
        assertEquals(65_000L, after.talkMs)
        assertEquals(5000L, after.ringMs)
        assertTrue(after.connected)
        assertEquals(2L, store.eventCount(), "the update is appended, the call is not rewritten")

        expectFailure(Kind.NOT_FOUND, "no call with id") { store.updateCall(987_654, CallDirection.MISSED, 0) }
        val sms = store.recordSms("10086", "hi", SmsDirection.INCOMING, at(1))
        expectFailure(Kind.INVALID_ARGUMENT, "not a call") { store.updateCall(sms.id, CallDirection.MISSED, 0) }
    }

    @Test
    fun `events are paged and filtered`() {
        for (i in 0 until 25) {
            store.recordSms(if (i % 2 == 0) "13800138000" else "13900139000", "m$i", SmsDirection.INCOMING, at(i.toLong()))
        }
        val first = store.events(EventQuery(limit = 10))
        assertEquals(10, first.size)
        assertEquals("m24", (first[0] as SmsEvent).body, "newest first by default")
        val last = store.events(EventQuery(limit = 10, offset = 20))
        assertEquals(5, last.size)
        val oldest = store.events(EventQuery(limit = 3, newestFirst = false)).map { (it as SmsEvent).body }
        assertEquals(listOf("m0", "m1", "m2"), oldest)
        val one = store.events(EventQuery(number = "+86 139 0013 9000", limit = 100))
        assertEquals(12, one.size)
        val window = store.events(EventQuery(fromMs = at(10).utcMs, toMs = at(13).utcMs))
        assertEquals(3, window.size)
        expectFailure(Kind.INVALID_ARGUMENT, "maximum") { store.events(EventQuery(limit = 1_000_000)) }
    }

    @Test
    fun `numbers are tagged into cases and cases filter events`() {
        store.recordSms("13800138000", "a", SmsDirection.INCOMING, at())
        store.recordSms("13900139000", "b", SmsDirection.INCOMING, at(1))
        val info = store.tagNumber("138 0013 8000", "Loan A")
        assertEquals("+8613800138000", info.number)
        assertEquals("Loan A", info.caseName)
        assertEquals(TagSource.USER, info.how)
        val cases = store.cases()
        assertEquals(listOf("Loan A"), cases.map { it.name })
        assertEquals(listOf("+8613800138000"), cases[0].numbers)
        assertEquals(info.caseId, cases[0].id)
        val inCase = store.events(EventQuery(caseId = cases[0].id))
        assertEquals(listOf("a"), inCase.map { (it as SmsEvent).body })
        expectFailure(Kind.INVALID_ARGUMENT, "") { store.tagNumber("13800138000", "   ") }
    }

    @Test
    fun `stop requests, notes and attachments are chained evidence`() {
        store.tagNumber("13800138000", "Loan A")
        val call = store.recordCall("13800138000", CallDirection.INCOMING, at(), talkMs = 30_000)
        assertTrue(store.recordStopRequest("Loan A", "I asked them to stop calling", at(1), call.id) > 0)
        assertTrue(store.recordOptOut("Loan A", "STOP", at(2)) > 0)
        assertTrue(store.addNote("called my mother", at(3)) > 0)
        val sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        assertTrue(store.addAttachment("recording.m4a", sha.uppercase(), 1234, at(4), "Loan A", call.id) > 0)
        expectFailure(Kind.INVALID_ARGUMENT, "SHA-256") { store.addAttachment("x", "not-a-hash", 1, at()) }
        expectFailure(Kind.INVALID_ARGUMENT, "longer than") { store.addNote("x".repeat(70_000), at()) }

        val report = store.verify()
        assertTrue(report.ok)
        assertNull(report.broken)
        val rows = report.chains.associate { it.chain to it.rows }
        assertEquals(1L, rows["events"])
        // The case's creation and the number's join are chained membership annotations too.
        assertEquals(5L, rows["annotations"])
        assertEquals(1L, rows["attachments"])
        assertTrue(report.chains.all { it.head.length == 64 })
    }

    @Test
    fun `today, timeline and case pages read what the screens show`() {
        val borrower = Support.open(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"))
        borrower.use { s ->
            s.tagNumber("13800138000", "Loan A")
            // 06:13 in Shanghai: before the permitted hours.
            val call = s.recordCall("13800138000", CallDirection.INCOMING, at(), talkMs = 30_000)
            s.recordSms("13800138000", "请还款", SmsDirection.INCOMING, at(1))
            s.recordSms("13700137000", "hello", SmsDirection.INCOMING, at(2))
            s.recordStopRequest("Loan A", "stop", at(3))
            val today = s.today(at(4))
            assertFalse(today.permittedNow)
            assertTrue(today.hours.isNotEmpty() && today.hours.all { it.source.isNotEmpty() })
            val loan = today.collectors.single { it.name == "Loan A" }
            assertEquals(1, loan.calls)
            assertEquals(1, loan.connected)
            assertEquals(1, loan.sms)
            assertTrue(loan.limits.isNotEmpty() && loan.limits.all { it.max > 0 })
            assertTrue(loan.violations.isNotEmpty())

            val caseId = s.cases().single().id
            val timeline = s.timeline(EventQuery(caseId = caseId, newestFirst = false))
            assertEquals(2, timeline.size)
            assertEquals(call.id, timeline[0].event.id)
            assertTrue(timeline[0].flags.isNotEmpty())
            assertEquals(3, s.timeline().size)

            val page = s.casePage(caseId)
            assertEquals("Loan A", page.case.name)
            assertEquals(1, page.days.size)
            assertEquals(1, page.days[0].calls)
            assertTrue(page.rules.isNotEmpty() && page.rules.all { it.count > 0 && it.source.isNotEmpty() })
            assertEquals(listOf("stop_request"), page.annotations.map { it.kind })
            expectFailure(Kind.NOT_FOUND, "case") { s.casePage(caseId + 100) }

            s.tagNumber("13800138001", "Loan B")
            val merged = s.mergeCases("Loan B", "Loan A")
            assertEquals("Loan A", merged.case.name)
            assertEquals(listOf("Loan B"), merged.case.merged)
            assertEquals(listOf("+8613800138001"), merged.moved)
            assertEquals(listOf("Loan A"), s.cases().map { it.name })
            expectFailure(Kind.INVALID_ARGUMENT, "already merged") { s.mergeCases("Loan B", "Loan A") }
            expectFailure(Kind.NOT_FOUND, "case") { s.mergeCases("Loan C", "Loan A") }

            val untagged = s.untagNumber("13800138000")
            assertNull(untagged.caseId)
            assertTrue(s.flags().isEmpty())
        }
    }

    @Test
    fun `core's facts are what core does`() {
        val facts = DunwatchStore.coreFacts
        for (raw in facts.withheldNumbers + listOf(" Private ", "UNKNOWN")) {
            assertTrue(facts.isWithheld(raw), raw)
            store.recordCall(raw, CallDirection.MISSED, at())
        }
        assertFalse(facts.isWithheld("13800138000"))
        assertTrue(store.events().all { it.number.kind == NumberKind.HIDDEN })
        // Two records of a tagged number's call within the window are one call, just beyond it two.
        val borrower = Support.open(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"))
        borrower.use { s ->
            s.tagNumber("13800138000", "Loan A")
            val t = Support.T0 + 5 * 3_600_000L // 11:13 in Shanghai
            s.recordCall("13800138000", CallDirection.MISSED, Moment(t, Support.SHANGHAI))
            s.recordCall("13800138000", CallDirection.MISSED, Moment(t + facts.sameCallToleranceMs, Support.SHANGHAI))
            val later = Moment(t + 3_600_000, Support.SHANGHAI)
            assertEquals(1, s.today(later).collectors.single().calls)
            s.recordCall("13800138000", CallDirection.MISSED, Moment(t + 3 * facts.sameCallToleranceMs, Support.SHANGHAI))
            assertEquals(2, s.today(later).collectors.single().calls)
        }
    }

    @Test
    fun `a tagged number's message is read as a collector's, with the reason`() {
        // No debt word: flagged only as a known collector's. 10:13 in Shanghai, a family phone.
        val sms = store.recordSms("17012345678", "你这种人渣连狗都不如。", SmsDirection.INCOMING, at(4 * 60))
        assertTrue(store.flags().isEmpty(), store.flags().toString())
        store.tagNumber("17012345678", "速借花")
        val flags = store.flags().filter { sms.id in it.events }
        val abuse = flags.firstOrNull { it.rule == "CN.ABUSE" }
        assertTrue(abuse != null && abuse.description.contains("sender is in case 速借花"), flags.toString())
        val context = (abuse!!.detail["checks"] as List<*>).map { (it as Map<*, *>)["context"] }
        assertTrue(context.any { it.toString().startsWith("sender is in case 速借花") }, context.toString())
        // On a third party's phone the message is also third_party (the context's rule).
        assertTrue(flags.any { it.rule == "CN.TP" && it.detail.toString().contains("context.third_party") }, flags.toString())
        store.untagNumber("17012345678")
        assertTrue(store.flags().isEmpty(), store.flags().toString())
    }

    @Test
    fun `flags are raised, explained and queried`() {
        val borrower = Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai")
        store.changeSettings(borrower)
        store.tagNumber("13800138000", "Loan A")
        // 06:13 in Shanghai: outside the permitted hours of the CN pack.
        val night = store.recordCall("13800138000", CallDirection.INCOMING, at(), talkMs = 10_000)
        assertTrue(night.newFlags > 0)
        val day = store.recordCall("13800138000", CallDirection.INCOMING, at(5 * 60), talkMs = 10_000)
        val all = store.flags()
        assertEquals(night.newFlags + day.newFlags, all.size)
        val f = all.first { night.id in it.events }
        assertTrue(f.rule.startsWith("CN.TIME"), f.rule)
        assertEquals("Loan A", f.caseName)
        assertEquals(listOf("+8613800138000"), f.numbers)
        assertEquals(at(), f.at)
        assertTrue(f.description.contains("06:13"), f.description)
        assertTrue(f.source.isNotBlank())
        assertTrue(f.severity in Severity.entries)
        assertTrue(f.detail.containsKey("checks"), f.detail.toString())
        assertTrue((f.detail["checks"] as List<*>).isNotEmpty())

        assertEquals(all.take(1), store.flags(FlagQuery(limit = 1)))
        assertEquals(all.filter { night.id in it.events }, store.flags(FlagQuery(eventId = night.id)))
        assertEquals(all.filter { it.rule == f.rule }, store.flags(FlagQuery(rule = f.rule)))
        assertEquals(all, store.flags(FlagQuery(caseId = f.caseId)))
        assertEquals(emptyList<Flag>(), store.flags(FlagQuery(rule = "NO.SUCH.RULE")))
        assertEquals(emptyList<Flag>(), store.flags(FlagQuery(toMs = at(-1).utcMs)))
        expectFailure(Kind.INVALID_ARGUMENT, "maximum") { store.flags(FlagQuery(limit = 20_000)) }

        // Settings changes re-read the history: the US pack has other rules for the same calls.
        val summary = store.changeSettings(borrower.copy(jurisdiction = Jurisdiction.US, homeTz = "America/New_York"))
        assertEquals(2, summary.events)
        assertEquals(summary.flags, store.flags().size)
        assertTrue(store.flags().none { it.rule.startsWith("CN.") })
    }

    @Test
    fun `evidence survives closing and reopening the file`() {
        val path = Support.tempDb().toString()
        DunwatchStore.open(path, Support.family).use {
            it.recordSms("10086", "kept", SmsDirection.INCOMING, at())
        }
        DunwatchStore.open(path).use {
            assertEquals("kept", (it.events().single() as SmsEvent).body)
            assertEquals(Support.family, it.settings, "settings stay when none are given")
            assertTrue(it.verify().ok)
        }
    }

    @Test
    fun `calls are screened by role, case and policy`() {
        // Family phone (the store's settings): unknown numbers ring, tagged collectors are rejected.
        val unknown = store.screenCall("13900139000", at())
        assertEquals(ScreenDecision.ALLOW, unknown.decision)
        assertEquals("+8613900139000", unknown.number)
        store.tagNumber("13800138000", "Loan A")
        val rejected = store.screenCall("+86 138 0013 8000", at())
        assertEquals(ScreenDecision.REJECT, rejected.decision)
        assertEquals("Loan A", rejected.caseName)
        assertTrue(rejected.reason.contains("third party"), rejected.reason)
        val lenient = store.screenCall("13800138000", at(), ScreenPolicy(thirdPartyCollectors = ScreenDecision.ALLOW_AND_LOG))
        assertEquals(ScreenDecision.ALLOW_AND_LOG, lenient.decision)

        // Borrower's phone: a collector is silenced at 06:13, rung through at 11:13.
        store.changeSettings(Settings(Jurisdiction.CN, Role.BORROWER, "Asia/Shanghai"))
        val early = store.screenCall("13800138000", at())
        assertEquals(ScreenDecision.SILENCE, early.decision)
        assertTrue(early.rule!!.startsWith("CN.TIME"), early.rule)
        assertEquals(ScreenDecision.ALLOW_AND_LOG, store.screenCall("13800138000", at(5 * 60)).decision)
        assertEquals(
            ScreenDecision.ALLOW_AND_LOG,
            store.screenCall("13800138000", at(), ScreenPolicy(silenceOutsideHours = false)).decision,
        )
        expectFailure(Kind.INVALID_ARGUMENT, "") { store.screenCall("1".repeat(500), at()) }
    }

    @Test
    fun `reports are exported in every format`() {
        store.tagNumber("13800138000", "Loan A")
        store.recordSms("13800138000", "再不还钱就通知你的家人 <script>alert(1)</script>", SmsDirection.INCOMING, at())
        val dir = Support.tempDb().parent
        val html = store.exportReport(dir.resolve("report.html").toString())
        assertTrue(html.chainOk)
        val page = java.nio.file.Files.readString(java.nio.file.Path.of(html.files.single()))
        assertTrue(page.contains("Loan A"))
        assertFalse(page.contains("<script>alert(1)"), "SMS text must be escaped")
        val en = store.exportReport(dir.resolve("report-en.html").toString(), language = ReportLanguage.EN)
        assertTrue(java.nio.file.Files.size(java.nio.file.Path.of(en.files.single())) > 0)
        // Every language the enum names crosses the bridge as a code core accepts.
        for (lang in ReportLanguage.values()) {
            val out = store.exportReport(dir.resolve("report-${lang.code}.html").toString(), language = lang)
            val page = java.nio.file.Files.readString(java.nio.file.Path.of(out.files.single()))
            assertTrue(page.contains("<html lang=\"${if (lang == ReportLanguage.ZH) "zh-CN" else lang.code}\">"), lang.name)
        }
        val hant = java.nio.file.Files.readString(dir.resolve("report-zh-Hant.html"))
        assertTrue(hant.contains("<h1>催收行為證據報告</h1>") && !hant.contains("催收行为证据报告"))
        val csv = store.exportReport(dir.resolve("evidence.csv").toString(), ReportFormat.CSV)
        assertEquals(listOf("evidence-events.csv", "evidence-flags.csv"), csv.files.map { java.nio.file.Path.of(it).fileName.toString() })
        val json = store.exportReport(dir.resolve("evidence.json").toString(), ReportFormat.JSON)
        assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of(json.files.single())).contains("\"schema"))
        expectFailure(Kind.STORAGE, "") { store.exportReport(dir.resolve("missing/dir/r.html").toString()) }
        expectFailure(Kind.INVALID_ARGUMENT, "report options") {
            NativeBridge.nativeExportReport(SafetyTest.handleOf(store), dir.resolve("x.html").toString(), """{"format":"pdf"}""")
        }
    }
}
