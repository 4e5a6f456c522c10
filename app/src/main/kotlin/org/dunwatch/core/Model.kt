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
)

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

enum class ReportLanguage(override val code: String) : Coded { ZH("zh"), EN("en") }
