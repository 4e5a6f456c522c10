package org.dunwatch.core

import java.time.ZoneId

/** A moment as the phone saw it: UTC milliseconds and the UTC offset in force there and then. */
data class Moment(val utcMs: Long, val offsetSecs: Int) {
    companion object {
        /** [utcMs] with the offset [zone] had at that moment (the device's zone by default). */
        fun of(utcMs: Long, zone: ZoneId = ZoneId.systemDefault()): Moment =
            Moment(utcMs, zone.rules.getOffset(java.time.Instant.ofEpochMilli(utcMs)).totalSeconds)

        fun now(): Moment = of(System.currentTimeMillis())
    }
}

/** Names shared with the Rust side: each enum constant has the `code` core uses in JSON. */
interface Coded {
    val code: String
}

internal inline fun <reified E> decode(code: String): E where E : Enum<E>, E : Coded =
    enumValues<E>().firstOrNull { it.code == code }
        ?: throw DunwatchException(DunwatchException.Kind.INTERNAL, "unknown ${E::class.simpleName} code $code")

enum class Jurisdiction(override val code: String) : Coded { CN("cn"), US("us"), IN("in"), UK("uk"), PH("ph") }

/** Who owns the phone; anyone but the borrower makes every collector contact a third-party one. */
enum class Role(override val code: String) : Coded {
    BORROWER("borrower"), FAMILY("family"), FRIEND("friend"), COLLEAGUE("colleague"),
    EMERGENCY_CONTACT("emergency_contact"),
}

data class Settings(val jurisdiction: Jurisdiction, val role: Role, val homeTz: String)

enum class SmsDirection(override val code: String) : Coded { INCOMING("incoming"), OUTGOING("outgoing") }

enum class CallDirection(override val code: String) : Coded {
    INCOMING("incoming"), OUTGOING("outgoing"), MISSED("missed"), REJECTED("rejected"), BLOCKED("blocked"),
}

/** Where an event came from. */
enum class Source(override val code: String) : Coded {
    LIVE("live"), CALL_LOG("call_log"), IMPORT("import"), MANUAL("manual"),
}

enum class NumberKind(override val code: String) : Coded {
    E164("e164"), NATIONAL("national"), SHORT_CODE("short_code"), SMS_GATEWAY("sms_gateway"),
    SERVICE_NUMBER("service_number"), ALPHANUMERIC("alphanumeric"), HIDDEN("hidden"),
    UNUSUAL("unusual"),
}

data class PhoneNumber(val raw: String, val normalized: String, val kind: NumberKind)

/** Result of recording an event. */
data class Recorded(
    val id: Long,
    /** False when the very same event was already stored (nothing was added). */
    val isNew: Boolean,
    /** Rule violations the new event raised. */
    val newFlags: Int,
)

/** A stored contact, with its place in the evidence chain. */
sealed class Event {
    abstract val id: Long
    abstract val recordedMs: Long
    abstract val source: Source
    abstract val number: PhoneNumber
    /** Hex SHA-256 of this row in the chain. */
    abstract val hash: String
    /** When the contact happened. */
    abstract val at: Moment
}

data class SmsEvent(
    override val id: Long,
    override val recordedMs: Long,
    override val source: Source,
    override val number: PhoneNumber,
    override val hash: String,
    val direction: SmsDirection,
    val body: String,
    val received: Moment,
    val sent: Moment?,
    val simSlot: Int?,
) : Event() {
    override val at: Moment get() = received
}

/** A call, with the latest call-log update (outcome, duration) already applied. */
data class CallEvent(
    override val id: Long,
    override val recordedMs: Long,
    override val source: Source,
    override val number: PhoneNumber,
    override val hash: String,
    val direction: CallDirection,
    val start: Moment,
    val ringMs: Long?,
    val talkMs: Long,
    val simSlot: Int?,
) : Event() {
    override val at: Moment get() = start
    val connected: Boolean get() = talkMs > 0
}

/** One page of contacts; all filters optional. */
data class EventQuery(
    val fromMs: Long? = null,
    val toMs: Long? = null,
    /** As typed; normalised with the store's region. */
    val number: String? = null,
    val caseId: Long? = null,
    val offset: Int = 0,
    val limit: Int = 200,
    val newestFirst: Boolean = true,
)

data class Case(
    val id: Long,
    val name: String,
    val creditor: String?,
    /** `collector`, `creditor` or `unknown`. */
    val party: String,
    val createdMs: Long,
    val numbers: List<String>,
    /** Names of the cases merged into this one. */
    val merged: List<String> = emptyList(),
)

/** What [DunwatchStore.mergeCases] did: the remaining [case], the merged case's name, the numbers that moved. */
data class MergedCases(val case: Case, val from: String, val moved: List<String>)

/** How a number came to belong to a case. */
enum class TagSource(override val code: String) : Coded {
    USER("user"), CREDITOR("creditor"), CALLBACK("callback"), LIST("list"),
}

data class NumberInfo(
    val number: String,
    val raw: String,
    val caseId: Long?,
    val caseName: String?,
    val how: TagSource,
)

enum class Severity(override val code: String) : Coded {
    LOW("low"), MEDIUM("medium"), HIGH("high"), CRITICAL("critical"),
}

/** A rule violation, with the rule, its legal source and the contacts it rests on. */
data class Flag(
    val id: Long,
    /** Rule id from the jurisdiction's pack, e.g. `CN.TIME.NIFA`. */
    val rule: String,
    val caseId: Long?,
    val caseName: String?,
    val at: Moment,
    val severity: Severity,
    val description: String,
    /** The legal source cited. */
    val source: String,
    val events: List<Long>,
    val numbers: List<String>,
    /** Rule-specific facts (matched words, counts, window), as plain Kotlin values. */
    val detail: Map<String, Any?>,
)

data class FlagQuery(
    val fromMs: Long? = null,
    val toMs: Long? = null,
    val caseId: Long? = null,
    val rule: String? = null,
    /** Only flags resting on this event. */
    val eventId: Long? = null,
    val offset: Int = 0,
    val limit: Int = 200,
)

/** What to do with an incoming call. Whatever it is, the app records the call as evidence. */
enum class ScreenDecision(override val code: String) : Coded {
    /** Not a known collector: ring normally. */
    ALLOW("allow"),
    /** A known collector within the rules: ring, and record it. */
    ALLOW_AND_LOG("allow_and_log"),
    /** Let it ring silently (it still shows in the call log). */
    SILENCE("silence"),
    REJECT("reject"),
}

/** A screening decision and why. */
data class Screening(
    val decision: ScreenDecision,
    val reason: String,
    /** The rule the call would break, if any. */
    val rule: String?,
    /** The case the number belongs to, if any. */
    val caseName: String?,
    /** The caller's number, normalised. */
    val number: String,
)

/** The user's screening policy; the defaults are core's. */
data class ScreenPolicy(
    /** On a third party's phone (family, friend...), what happens to known collectors. */
    val thirdPartyCollectors: ScreenDecision = ScreenDecision.REJECT,
    /** On the borrower's phone, silence calls outside the permitted hours. */
    val silenceOutsideHours: Boolean = true,
    /** On the borrower's phone, silence calls once the day's cap is used up. */
    val silenceOverCap: Boolean = true,
    /** Silence calls from a case after a stop request or opt-out. */
    val silenceAfterStop: Boolean = true,
)

data class RebuildSummary(val events: Int, val flags: Int)

data class ChainSummary(val chain: String, val rows: Long, val head: String)

data class BrokenRow(val chain: String, val row: Long, val reason: String)

/** Result of recomputing the evidence chains: [broken] names the first row that fails. */
data class VerifyReport(val ok: Boolean, val chains: List<ChainSummary>, val broken: BrokenRow?)

/** HTML: the evidence report; JSON: everything, with a schema version; CSV: events and flags. */
enum class ReportFormat(override val code: String) : Coded { HTML("html"), JSON("json"), CSV("csv") }

/** Files a report export wrote (CSV writes NAME-events.csv and NAME-flags.csv for NAME.csv). */
data class ReportFiles(val files: List<String>, val chainOk: Boolean)

/** Simplified Chinese, Traditional Chinese (Taiwan, Hong Kong, Macau), English. */
enum class ReportLanguage(override val code: String) : Coded { ZH("zh"), ZH_HANT("zh-Hant"), EN("en") }

/** Facts core owns that the app's logic must agree with; see [DunwatchStore.coreFacts]. */
/** The classifier weights the process reads messages with ([DunwatchStore.installModel]). */
data class ModelInfo(val version: String, val entries: Int, val sha256: String)

data class CoreFacts(
    /** Records of one number's calls whose starts are at most this far apart are one call. */
    val sameCallToleranceMs: Long,
    /** How a withheld caller's number is written (trimmed, lower case); core stores them as hidden. */
    val withheldNumbers: Set<String>,
    /**
     * How far apart a record made live (screening service, SMS receiver) and its row in the call
     * log or SMS provider may be and still be paired (not [sameCallToleranceMs], which merges
     * records already stored when rules count calls).
     */
    val providerMatchWindowMs: Long,
) {
    /** Whether core stores [raw] as a withheld number. */
    fun isWithheld(raw: String): Boolean = raw.trim().lowercase() in withheldNumbers
}

/** A rule of the store's pack in one language ([DunwatchStore.ruleTexts]). */
data class RuleText(
    val rule: String,
    val severity: Severity,
    val description: String,
    /** The legal source it cites. */
    val source: String,
    val parameters: String,
)

/** A stop request, opt-out or note the user recorded. */
data class AnnotationRecord(
    val id: Long,
    /** `stop_request`, `opt_out` or `note`. */
    val kind: String,
    val caseName: String?,
    val eventId: Long?,
    val at: Moment,
    val text: String,
    val recordedMs: Long,
)

/** A file pinned by its SHA-256 (the file stays where the app keeps it). */
data class AttachmentRecord(
    val id: Long,
    val caseName: String?,
    val eventId: Long?,
    val sha256: String,
    val name: String,
    val size: Long,
    val at: Moment,
    val recordedMs: Long,
)

/** A time window of the rule pack: contact is permitted only inside it ([allowed]), or forbidden inside it. */
data class HoursWindow(
    val rule: String,
    /** `HH:MM`, local time. */
    val from: String,
    val to: String,
    val allowed: Boolean,
    /** `sms`, `call`. */
    val channels: List<String>,
    val source: String,
)

/** A daily limit of the rule pack and what a collector used of it on the day. */
data class DayLimit(
    val rule: String,
    /** Which calls count: `any`, `connected` or `unanswered`. */
    val counts: String,
    val max: Int,
    /** Calls counted on the day (the same call recorded twice counts once). */
    val used: Int,
    val source: String,
)

/** One collector (a case, or a collector number outside any case) on the day. */
data class TodayCollector(
    val caseId: Long?,
    /** The case's name, or the number. */
    val name: String,
    val numbers: List<String>,
    val calls: Int,
    val connected: Int,
    /** SMS received from the collector on the day. */
    val sms: Int,
    val limits: List<DayLimit>,
    /** Flags raised on the day. */
    val violations: List<Flag>,
)

/** What the "today" screen shows. */
data class TodayPage(
    /** Local date, `YYYY-MM-DD`. */
    val day: String,
    val at: Moment,
    /** Whether the pack's hours permit a collector's call at [at]. */
    val permittedNow: Boolean,
    val hours: List<HoursWindow>,
    val collectors: List<TodayCollector>,
)

/** A contact with the flags resting on it. */
data class TimelineEntry(val event: Event, val flags: List<Flag>)

/** Contacts from a case on one local day. */
data class DayCount(val day: String, val sms: Int, val calls: Int, val connected: Int, val flags: Int)

/** Violations of one rule in a case, with its legal source. */
data class RuleCount(
    val rule: String,
    val severity: Severity,
    val count: Int,
    val source: String,
    /** The rule's parameters as the legal summary states them. */
    val parameters: String,
    val firstMs: Long,
    val lastMs: Long,
)

/** What the case screen shows. */
data class CasePage(
    val case: Case,
    val days: List<DayCount>,
    val rules: List<RuleCount>,
    val annotations: List<AnnotationRecord>,
    val attachments: List<AttachmentRecord>,
)

/** Who lent: it decides which legal line binds (CN: private lending vs licensed lenders). */
enum class Lender(override val code: String) : Coded { PRIVATE("private"), LICENSED("licensed"), UNKNOWN("unknown") }

/** One sum of money on one day: `date` is `YYYY-MM-DD`, `amount` decimal text ("7000.50"). */
data class LoanEntry(val date: String, val amount: String)

/** A loan as the borrower lived it; core's LoanRecord (the currency defaults to the pack's). */
data class LoanInput(
    /** Money that actually reached the borrower, net of anything deducted. */
    val received: List<LoanEntry>,
    val repaid: List<LoanEntry> = emptyList(),
    val fees: List<LoanEntry> = emptyList(),
    /** The principal the contract names (may be more than was received). */
    val principal: String? = null,
    val lender: Lender = Lender.UNKNOWN,
    val contractDate: String? = null,
    val currency: String? = null,
)

/** One legal line held against a loan, with its source. Percentages in the measure's unit. */
data class LoanLine(
    val rule: String,
    /** `annual`, `monthly`, `stated_monthly`, `daily`, `total_cost`. */
    val measure: String,
    val limitPct: Double,
    val valuePct: Double,
    val above: Boolean,
    val source: String,
    val severity: Severity,
)

/** What a loan costs: the PBOC annual rate, the effective annual rate, and the lines. */
data class LoanAssessment(
    val annualRatePct: Double,
    /** How it was annualised, e.g. "IRR per month × 12". */
    val method: String,
    val effectiveRatePct: Double?,
    val currency: String,
    val received: String,
    val paid: String,
    val cost: String,
    val deducted: String?,
    val termDays: Long,
    val lines: List<LoanLine>,
    /** The pack's statement that there is no numeric cap, when it has no lines. */
    /** Language code (`zh`, `zh-Hant`, `en`) → the pack's statement that it has no numeric cap. */
    val noCap: Map<String, String>,
)

/** A stored loan record of a case with its assessment ([error] when it no longer computes). */
data class StoredLoan(
    val id: Long,
    /** False when the case's newest record already was exactly this one. */
    val new: Boolean,
    val supersedes: Long?,
    val caseName: String,
    val currency: String,
    val assessment: LoanAssessment?,
    val error: String?,
)
