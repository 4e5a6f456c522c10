package org.dunwatch.core

import org.json.JSONArray
import org.json.JSONObject

/**
 * The JSON that crosses JNI, kept inside the bridge: callers only see the types of Model.kt.
 * Uses org.json, which Android ships in the framework (and Maven provides for the JVM tests).
 */
internal object Json {
    fun moment(m: Moment): JSONObject = JSONObject().put("utc_ms", m.utcMs).put("offset_secs", m.offsetSecs)

    fun settings(s: Settings): String = JSONObject()
        .put("jurisdiction", s.jurisdiction.code)
        .put("role", s.role.code)
        .put("home_tz", s.homeTz)
        .toString()

    fun obj(text: String): JSONObject = parse(text) { JSONObject(it) }

    fun arr(text: String): JSONArray = parse(text) { JSONArray(it) }

    private inline fun <T> parse(text: String, f: (String) -> T): T = try {
        f(text)
    } catch (e: org.json.JSONException) {
        throw DunwatchException(DunwatchException.Kind.INTERNAL, "native library returned bad JSON: ${e.message}")
    }

    fun <T> list(a: JSONArray, f: (JSONObject) -> T): List<T> = (0 until a.length()).map { f(a.getJSONObject(it)) }

    fun JSONObject.longOrNull(key: String): Long? = if (isNull(key)) null else getLong(key)
    fun JSONObject.intOrNull(key: String): Int? = if (isNull(key)) null else getInt(key)
    fun JSONObject.stringOrNull(key: String): String? = if (isNull(key)) null else getString(key)
    fun JSONObject.momentOrNull(key: String): Moment? = if (isNull(key)) null else toMoment(getJSONObject(key))

    fun toMoment(o: JSONObject) = Moment(o.getLong("utc_ms"), o.getInt("offset_secs"))

    fun toSettings(o: JSONObject) = Settings(
        decode(o.getString("jurisdiction")), decode(o.getString("role")), o.getString("home_tz"),
    )

    fun toRecorded(o: JSONObject) = Recorded(o.getLong("id"), o.getBoolean("new"), o.getInt("flags"))

    fun toNumber(o: JSONObject) = PhoneNumber(o.getString("raw"), o.getString("normalized"), decode(o.getString("kind")))

    fun toEvent(o: JSONObject): Event {
        val id = o.getLong("id")
        val rec = o.getLong("recorded_ms")
        val source: Source = decode(o.getString("source"))
        val number = toNumber(o.getJSONObject("number"))
        val hash = o.getString("hash")
        return when (val kind = o.getString("kind")) {
            "sms" -> SmsEvent(
                id, rec, source, number, hash,
                direction = decode(o.getString("direction")),
                body = o.getString("body"),
                received = toMoment(o.getJSONObject("received")),
                sent = o.momentOrNull("sent"),
                simSlot = o.intOrNull("sim_slot"),
            )
            "call" -> CallEvent(
                id, rec, source, number, hash,
                direction = decode(o.getString("direction")),
                start = toMoment(o.getJSONObject("start")),
                ringMs = o.longOrNull("ring_ms"),
                talkMs = o.getLong("talk_ms"),
                simSlot = o.intOrNull("sim_slot"),
            )
            else -> throw DunwatchException(DunwatchException.Kind.INTERNAL, "unexpected event kind $kind")
        }
    }

    fun eventQuery(q: EventQuery, collectorsOnly: Boolean = false): String = JSONObject()
        .putOpt("from_ms", q.fromMs)
        .putOpt("to_ms", q.toMs)
        .putOpt("number", q.number)
        .putOpt("case", q.caseId)
        .put("offset", q.offset)
        .put("limit", q.limit)
        .put("newest_first", q.newestFirst)
        .put("collectors_only", collectorsOnly)
        .toString()

    fun flagQuery(q: FlagQuery): String = JSONObject()
        .putOpt("from_ms", q.fromMs)
        .putOpt("to_ms", q.toMs)
        .putOpt("case", q.caseId)
        .putOpt("rule", q.rule)
        .putOpt("event", q.eventId)
        .put("offset", q.offset)
        .put("limit", q.limit)
        .toString()

    fun toCase(o: JSONObject) = Case(
        o.getLong("id"), o.getString("name"), o.stringOrNull("creditor"), o.getString("party"),
        o.getLong("created_ms"), strings(o.getJSONArray("numbers")),
        o.optJSONArray("merged")?.let(::strings) ?: emptyList(),
    )

    fun toMerged(o: JSONObject) = MergedCases(
        toCase(o.getJSONObject("case")), o.getString("from"), strings(o.getJSONArray("moved")),
    )

    fun toNumberInfo(o: JSONObject) = NumberInfo(
        o.getString("number"), o.getString("raw"), o.longOrNull("case_id"), o.stringOrNull("case_name"),
        decode(o.getString("how")),
    )

    fun toFlag(o: JSONObject) = Flag(
        id = o.getLong("id"),
        rule = o.getString("rule"),
        caseId = o.longOrNull("case_id"),
        caseName = o.stringOrNull("case_name"),
        at = toMoment(o.getJSONObject("at")),
        severity = decode(o.getString("severity")),
        description = o.getString("description"),
        source = o.getString("source"),
        events = o.getJSONArray("events").let { a -> (0 until a.length()).map { a.getLong(it) } },
        numbers = strings(o.getJSONArray("numbers")),
        detail = (plain(o.opt("detail")) as? Map<*, *>)?.entries?.associate { it.key.toString() to it.value } ?: emptyMap(),
    )

    fun toScreening(o: JSONObject) = Screening(
        decode(o.getString("action")), o.getString("reason"), o.stringOrNull("rule"), o.stringOrNull("case"),
        o.getString("number"),
    )

    fun policy(p: ScreenPolicy): String = JSONObject()
        .put("third_party_collectors", p.thirdPartyCollectors.code)
        .put("silence_outside_hours", p.silenceOutsideHours)
        .put("silence_over_cap", p.silenceOverCap)
        .put("silence_after_stop", p.silenceAfterStop)
        .toString()

    fun toReportFiles(o: JSONObject) = ReportFiles(strings(o.getJSONArray("files")), o.getBoolean("chain_ok"))

    fun toRebuild(o: JSONObject) = RebuildSummary(o.getInt("events"), o.getInt("flags"))

    fun toVerify(o: JSONObject) = VerifyReport(
        ok = o.getBoolean("ok"),
        chains = list(o.getJSONArray("chains")) { ChainSummary(it.getString("chain"), it.getLong("rows"), it.getString("head")) },
        broken = if (o.isNull("broken")) null else o.getJSONObject("broken").let {
            BrokenRow(it.getString("chain"), it.getLong("row"), it.getString("reason"))
        },
    )

    fun toModelInfo(o: JSONObject) = ModelInfo(o.getString("version"), o.getInt("entries"), o.getString("sha256"))

    fun toFacts(o: JSONObject) = CoreFacts(
        o.getLong("same_call_tolerance_ms"), strings(o.getJSONArray("withheld_numbers")).toSet(),
        o.getLong("provider_match_window_ms"),
    )

    fun toRuleText(o: JSONObject) = RuleText(
        o.getString("rule"), decode(o.getString("severity")), o.getString("description"), o.getString("source"),
        o.getString("parameters"),
    )

    fun toAnnotation(o: JSONObject) = AnnotationRecord(
        o.getLong("id"), o.getString("kind"), o.stringOrNull("case_name"), o.longOrNull("event_id"),
        toMoment(o.getJSONObject("at")), o.getString("text"), o.getLong("recorded_ms"),
    )

    fun toAttachment(o: JSONObject) = AttachmentRecord(
        o.getLong("id"), o.stringOrNull("case_name"), o.longOrNull("event_id"), o.getString("sha256"),
        o.getString("name"), o.getLong("size"), toMoment(o.getJSONObject("at")), o.getLong("recorded_ms"),
    )

    fun toToday(o: JSONObject) = TodayPage(
        day = o.getString("day"),
        at = toMoment(o.getJSONObject("at")),
        permittedNow = o.getBoolean("permitted_now"),
        hours = list(o.getJSONArray("hours")) {
            HoursWindow(
                it.getString("rule"), it.getString("from"), it.getString("to"), it.getBoolean("allowed"),
                strings(it.getJSONArray("channels")), it.getString("source"),
            )
        },
        collectors = list(o.getJSONArray("collectors")) { c ->
            TodayCollector(
                caseId = c.longOrNull("case_id"),
                name = c.getString("name"),
                numbers = strings(c.getJSONArray("numbers")),
                calls = c.getInt("calls"),
                connected = c.getInt("connected"),
                sms = c.getInt("sms"),
                limits = list(c.getJSONArray("limits")) {
                    DayLimit(it.getString("rule"), it.getString("counts"), it.getInt("max"), it.getInt("used"), it.getString("source"))
                },
                violations = list(c.getJSONArray("violations"), ::toFlag),
            )
        },
    )

    fun toTimelineEntry(o: JSONObject) =
        TimelineEntry(toEvent(o.getJSONObject("event")), list(o.getJSONArray("flags"), ::toFlag))

    fun toCasePage(o: JSONObject) = CasePage(
        case = toCase(o.getJSONObject("case")),
        days = list(o.getJSONArray("days")) {
            DayCount(it.getString("day"), it.getInt("sms"), it.getInt("calls"), it.getInt("connected"), it.getInt("flags"))
        },
        rules = list(o.getJSONArray("rules")) {
            RuleCount(
                it.getString("rule"), decode(it.getString("severity")), it.getInt("count"), it.getString("source"),
                it.getString("parameters"), it.getLong("first_ms"), it.getLong("last_ms"),
            )
        },
        annotations = list(o.getJSONArray("annotations"), ::toAnnotation),
        attachments = list(o.getJSONArray("attachments"), ::toAttachment),
    )

    fun loanInput(l: LoanInput): String {
        fun entries(es: List<LoanEntry>) = JSONArray().apply {
            es.forEach { put(JSONObject().put("date", it.date).put("amount", it.amount)) }
        }
        return JSONObject()
            .put("received", entries(l.received))
            .put("repaid", entries(l.repaid))
            .put("fees", entries(l.fees))
            .putOpt("principal", l.principal)
            .put("lender", l.lender.code)
            .putOpt("contract_date", l.contractDate)
            .putOpt("currency", l.currency)
            .toString()
    }

    fun JSONObject.doubleOrNull(key: String): Double? = if (isNull(key)) null else getDouble(key)

    fun toStoredLoan(o: JSONObject) = StoredLoan(
        id = o.getLong("id"),
        new = o.getBoolean("new"),
        supersedes = o.longOrNull("supersedes"),
        caseName = o.getJSONObject("record").getString("case"),
        currency = o.getJSONObject("record").getString("currency"),
        assessment = if (o.isNull("assessment")) null else toLoanAssessment(o.getJSONObject("assessment")),
        error = o.stringOrNull("error"),
    )

    fun toLoanAssessment(o: JSONObject) = LoanAssessment(
        annualRatePct = o.getDouble("annual_rate_pct"),
        method = o.getString("method"),
        effectiveRatePct = o.doubleOrNull("effective_rate_pct"),
        currency = o.getString("currency"),
        received = o.getString("received"),
        paid = o.getString("paid"),
        cost = o.getString("cost"),
        deducted = o.stringOrNull("deducted"),
        termDays = o.getLong("term_days"),
        lines = list(o.getJSONArray("lines")) {
            LoanLine(
                it.getString("rule"), it.getString("measure"), it.getDouble("limit_pct"), it.getDouble("value_pct"),
                it.getBoolean("above"), it.getString("source"), decode(it.getString("severity")),
            )
        },
        noCap = o.optJSONObject("no_cap")?.let { m -> m.keys().asSequence().associateWith { m.getString(it) } } ?: emptyMap(),
    )

    private fun strings(a: JSONArray): List<String> = (0 until a.length()).map { a.getString(it) }

    /** org.json values as plain Kotlin: maps, lists, strings, numbers, booleans and null. */
    private fun plain(v: Any?): Any? = when (v) {
        null, JSONObject.NULL -> null
        is JSONObject -> v.keySet().associateWith { plain(v.opt(it)) }
        is JSONArray -> (0 until v.length()).map { plain(v.opt(it)) }
        else -> v
    }
}
