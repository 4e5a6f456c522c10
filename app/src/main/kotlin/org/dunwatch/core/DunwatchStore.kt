package org.dunwatch.core

import org.json.JSONObject

/**
 * An open evidence store: the app's whole access to dunwatch-core. Safe to share between threads
 * (SMS receiver, call screening service, UI). Every method throws [DunwatchException] on failure.
 *
 * [close] releases the native store; any later call, including a second [close], throws
 * [DunwatchException] with kind [DunwatchException.Kind.INVALID_HANDLE], so a use-after-close bug
 * shows up instead of passing silently.
 */
class DunwatchStore private constructor(private val handle: Long) : AutoCloseable {
    companion object {
        /**
         * Opens (creating if needed) the store file at [path]. With [settings], a store whose
         * settings differ is switched to them and its flags re-derived.
         */
        fun open(path: String, settings: Settings? = null): DunwatchStore =
            DunwatchStore(NativeBridge.nativeOpen(path, settings?.let(Json::settings)))

        /**
         * Opens the store at [path] reading messages with the classifier weights [model] (the
         * bytes of the app's `collection.dwm` asset: the native library carries none). A bad file
         * throws [DunwatchException] ([DunwatchException.Kind.INVALID_ARGUMENT]) before the store
         * opens. Weights other than those the store's flags were read with re-read its messages.
         */
        fun open(path: String, settings: Settings?, model: ByteArray): DunwatchStore {
            installModel(model)
            return open(path, settings)
        }

        /**
         * Makes [model] (a `collection.dwm` weights file) the classifier model of every store in
         * this process; throws [DunwatchException] on a bad file and keeps the current model.
         */
        fun installModel(model: ByteArray): ModelInfo = Json.toModelInfo(Json.obj(NativeBridge.nativeInstallModel(model)))

        /** Version of the native library. */
        val nativeVersion: String get() = NativeBridge.nativeVersion()

        /**
         * Facts core owns that the app's own logic must agree with (the same-call window, what a
         * withheld number looks like), read from the native library so they are defined once.
         */
        val coreFacts: CoreFacts by lazy { Json.toFacts(Json.obj(NativeBridge.nativeFacts())) }
    }

    val settings: Settings get() = Json.toSettings(Json.obj(NativeBridge.nativeSettings(handle)))

    /** Changes jurisdiction, role or home zone and re-reads the whole history under them. */
    fun changeSettings(settings: Settings): RebuildSummary =
        Json.toRebuild(Json.obj(NativeBridge.nativeSetSettings(handle, Json.settings(settings))))

    /** Records an SMS as received or sent. Recording the same SMS twice stores it once. */
    fun recordSms(
        number: String,
        body: String,
        direction: SmsDirection,
        received: Moment,
        sent: Moment? = null,
        simSlot: Int? = null,
        source: Source = Source.LIVE,
    ): Recorded {
        val meta = JSONObject()
            .put("direction", direction.code)
            .put("received", Json.moment(received))
            .putOpt("sent", sent?.let(Json::moment))
            .putOpt("sim_slot", simSlot)
            .put("source", source.code)
        return Json.toRecorded(Json.obj(NativeBridge.nativeRecordSms(handle, number, body, meta.toString())))
    }

    /** Records a call as the screening service or the call log saw it. */
    fun recordCall(
        number: String,
        direction: CallDirection,
        start: Moment,
        ringMs: Long? = null,
        talkMs: Long = 0,
        simSlot: Int? = null,
        source: Source = Source.LIVE,
    ): Recorded {
        val meta = JSONObject()
            .put("direction", direction.code)
            .put("start", Json.moment(start))
            .putOpt("ring_ms", ringMs)
            .put("talk_ms", talkMs)
            .putOpt("sim_slot", simSlot)
            .put("source", source.code)
        return Json.toRecorded(Json.obj(NativeBridge.nativeRecordCall(handle, number, meta.toString())))
    }

    /** Adds what the call log later says about call [callId]: its outcome and duration. */
    fun updateCall(callId: Long, direction: CallDirection, talkMs: Long, ringMs: Long? = null): Recorded {
        val meta = JSONObject().put("direction", direction.code).put("talk_ms", talkMs).putOpt("ring_ms", ringMs)
        return Json.toRecorded(Json.obj(NativeBridge.nativeUpdateCall(handle, callId, meta.toString())))
    }

    /**
     * Decides what to do with an incoming call from [number] at [at], and why, under [policy]
     * (core's default policy when null). Answers from indexed reads, fast enough for the
     * CallScreeningService; record the call afterwards whatever the decision.
     */
    fun screenCall(number: String, at: Moment = Moment.now(), policy: ScreenPolicy? = null): Screening =
        Json.toScreening(
            Json.obj(NativeBridge.nativeScreenCall(handle, number, Json.moment(at).toString(), policy?.let(Json::policy))),
        )

    fun events(query: EventQuery = EventQuery()): List<Event> =
        Json.list(Json.arr(NativeBridge.nativeEvents(handle, Json.eventQuery(query))), Json::toEvent)

    /** Number of stored events (call-log updates included). */
    fun eventCount(): Long = NativeBridge.nativeEventCount(handle)

    fun cases(): List<Case> = Json.list(Json.arr(NativeBridge.nativeCases(handle)), Json::toCase)

    fun flags(query: FlagQuery = FlagQuery()): List<Flag> =
        Json.list(Json.arr(NativeBridge.nativeFlags(handle, Json.flagQuery(query))), Json::toFlag)

    /** The user says [number] belongs to case [caseName] (created if new); flags are re-derived. */
    fun tagNumber(number: String, caseName: String): NumberInfo =
        Json.toNumberInfo(Json.obj(NativeBridge.nativeTagNumber(handle, number, caseName)))

    /** The user says [number] belongs to no case (and is never joined to one automatically); flags are re-derived. */
    fun untagNumber(number: String): NumberInfo =
        Json.toNumberInfo(Json.obj(NativeBridge.nativeUntagNumber(handle, number)))

    /**
     * Merges case [from] into case [into]: its numbers join [into], the day's limits count both,
     * and what names [from] (notes, stop requests, later tags) means [into]; flags are re-derived.
     */
    fun mergeCases(from: String, into: String): MergedCases =
        Json.toMerged(Json.obj(NativeBridge.nativeMergeCases(handle, from, into)))

    /**
     * The "today" screen at [at]: per collector (case, or collector number outside a case) the
     * contacts of that local day against the rule pack's daily limits, the pack's hours and
     * whether a call is permitted at [at], and the day's violations.
     */
    fun today(at: Moment = Moment.now()): TodayPage =
        Json.toToday(Json.obj(NativeBridge.nativeToday(handle, Json.moment(at).toString())))

    /**
     * One page of contacts, each with the flags resting on it; filter by case with
     * [EventQuery.caseId]. With [collectorsOnly], collector contacts alone (numbers in a case or on
     * the collector list, or events a flag rests on); the page's offset and limit count those.
     */
    fun timeline(query: EventQuery = EventQuery(), collectorsOnly: Boolean = false): List<TimelineEntry> =
        Json.list(Json.arr(NativeBridge.nativeTimeline(handle, Json.eventQuery(query, collectorsOnly))), Json::toTimelineEntry)

    /**
     * Every rule of the store's pack with its description and legal source in [language] (`zh-Hant`,
     * `zh`, `en`; core falls back zh-Hant → zh → en where the pack has no text in it), keyed by rule
     * id: screens show one language at a time.
     */
    fun ruleTexts(language: String): Map<String, RuleText> =
        Json.list(Json.arr(NativeBridge.nativeRuleTexts(handle, language)), Json::toRuleText).associateBy { it.rule }

    /**
     * The case screen: the case and its numbers, contacts per local day, violations per rule
     * with their legal source, and the stop requests, notes and attachments recorded for it.
     */
    fun casePage(caseId: Long): CasePage = Json.toCasePage(Json.obj(NativeBridge.nativeCasePage(handle, caseId)))

    /** The user asked the collector of [caseName] to stop; the date matters (US.CEASE). */
    fun recordStopRequest(caseName: String?, text: String, at: Moment, eventId: Long? = null): Long =
        annotate("stop_request", caseName, text, at, eventId)

    /** The user replied STOP / opted out of a channel. */
    fun recordOptOut(caseName: String?, text: String, at: Moment, eventId: Long? = null): Long =
        annotate("opt_out", caseName, text, at, eventId)

    fun addNote(text: String, at: Moment, caseName: String? = null, eventId: Long? = null): Long =
        annotate("note", caseName, text, at, eventId)

    private fun annotate(kind: String, caseName: String?, text: String, at: Moment, eventId: Long?): Long {
        val meta = JSONObject().put("at", Json.moment(at)).putOpt("event_id", eventId)
        return NativeBridge.nativeAddAnnotation(handle, kind, caseName, text, meta.toString())
    }

    /** Pins a file (recording, photo of a letter) by its SHA-256; the file stays where it is. */
    fun addAttachment(
        name: String,
        sha256Hex: String,
        size: Long,
        at: Moment,
        caseName: String? = null,
        eventId: Long? = null,
    ): Long {
        val meta = JSONObject().put("at", Json.moment(at)).put("size", size).putOpt("event_id", eventId)
        return NativeBridge.nativeAddAttachment(handle, caseName, name, sha256Hex, meta.toString())
    }

    /**
     * Records the loan of case [caseName] (evidence, append-only: a different record supersedes the
     * case's previous one). Everything is checked first; a bad entry throws INVALID_ARGUMENT naming
     * it ("repaid #2 ...") and nothing is stored. Flags are re-derived.
     */
    fun recordLoan(caseName: String, loan: LoanInput): StoredLoan =
        Json.toStoredLoan(Json.obj(NativeBridge.nativeRecordLoan(handle, caseName, Json.loanInput(loan))))

    /** The loan record that counts for [caseName] with what it costs, or null if none. */
    fun loan(caseName: String): StoredLoan? {
        val text = NativeBridge.nativeLoan(handle, caseName)
        return if (text.trim() == "null") null else Json.toStoredLoan(Json.obj(text))
    }

    /** Recomputes every evidence chain from the stored rows. */
    fun verify(): VerifyReport = Json.toVerify(Json.obj(NativeBridge.nativeVerify(handle)))

    /**
     * Writes the complaint report to [path] (atomically: a failed export leaves no partial file).
     * [language] defaults to Chinese for the CN rule pack and English otherwise.
     */
    fun exportReport(path: String, format: ReportFormat = ReportFormat.HTML, language: ReportLanguage? = null): ReportFiles {
        val options = JSONObject().put("format", format.code).putOpt("lang", language?.code)
        return Json.toReportFiles(Json.obj(NativeBridge.nativeExportReport(handle, path, options.toString())))
    }

    /**
     * Tests only: until this store is closed, its file may grow by at most [extraPages] pages;
     * beyond that every write fails as a full disk ([DunwatchException.Kind.STORAGE_FULL]).
     */
    fun debugLimitPages(extraPages: Long = 0): Long = NativeBridge.nativeDebugLimitPages(handle, extraPages)

    override fun close() = NativeBridge.nativeClose(handle)
}
