//! The native methods of `org.dunwatch.core.NativeBridge` (Kotlin `object` with `@JvmStatic
//! external fun`s, so each receives the class as its second argument).
//!
//! The exports on an open store are declared once each in [`store_exports`]' table; all go
//! through [`call`]: `EnvUnowned::with_env` catches panics, and the
//! [`ThrowDunwatch`] policy turns errors and panics into `DunwatchException`. Each export creates
//! at most a few local references (its result string, or the exception), all released when it
//! returns to Java, so no loop in Java can make them pile up.

use crate::error::{BridgeError, Result, ThrowDunwatch};
use crate::{handles, logging, ops, strings};
use dunwatch_core::classify::model::MAX_FILE_BYTES;
use dunwatch_core::Evidence;
use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jint, jlong};
use jni::{Env, EnvUnowned};

/// Runs one native call: logging set up, panics caught, errors thrown as `DunwatchException`.
fn call<'local, T: Default + 'local>(
    mut env: EnvUnowned<'local>,
    f: impl FnOnce(&mut Env<'local>) -> Result<T>,
) -> T {
    logging::init();
    env.with_env(f).resolve::<ThrowDunwatch>()
}

fn store(handle: jlong) -> Result<std::sync::Arc<Evidence>> {
    handles::get(handle)
}

fn jstring<'local>(env: &mut Env<'local>, s: String) -> Result<JString<'local>> {
    Ok(env.new_string(s)?)
}

/// `nativeOpen(path: String, settingsJson: String?): Long`
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeOpen<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    path: JString<'l>,
    settings: JString<'l>,
) -> jlong {
    call(env, |env| {
        let path = strings::required(env, &path, "path")?;
        let settings = strings::optional(env, &settings, "settings")?;
        handles::insert(ops::open(&path, settings.as_deref())?)
    })
}

/// `nativeClose(handle: Long)`; a second close of the same handle throws.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeClose<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    call(env, |_| handles::remove(handle))
}

/// `nativeOpenHandles(): Int`, for leak checks.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeOpenHandles<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> jint {
    call(env, |_| {
        Ok(jint::try_from(handles::open_count()).unwrap_or(jint::MAX))
    })
}

/// Declares the exports that work on an open store, each once: its Kotlin signature (as a doc
/// comment), its arguments after the handle with how each is read, and the `ops` function it
/// calls. Every one gets the same body: strings read strictly (a null, or an unpaired surrogate,
/// is refused naming the argument), the store looked up by handle, the operation run, the result
/// returned (a JSON string or a number) through [`call`].
///
/// Argument kinds: `str` a required string, `opt` a nullable string, `long` a `Long` as is.
macro_rules! store_exports {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $kind:ident $jname:literal),*) -> $ret:ident = $op:path;
    )*) => {$(
        $(#[$doc])*
        #[unsafe(no_mangle)]
        pub extern "system" fn $name<'l>(
            env: EnvUnowned<'l>,
            _class: JClass<'l>,
            handle: jlong,
            $($arg: jni_arg!($kind, 'l)),*
        ) -> jni_ret!($ret, 'l) {
            call(env, |env| {
                let _ = &env; // read by the string arguments and results only
                $(let $arg = read_arg!(env, $arg, $kind, $jname);)*
                let out = $op(&*store(handle)?, $(pass_arg!($arg, $kind)),*)?;
                ret!(env, out, $ret)
            })
        }
    )*};
}

macro_rules! jni_arg {
    (str, $l:lifetime) => { JString<$l> };
    (opt, $l:lifetime) => { JString<$l> };
    (long, $l:lifetime) => { jlong };
}

macro_rules! jni_ret {
    (String, $l:lifetime) => { JString<$l> };
    (Long, $l:lifetime) => { jlong };
}

macro_rules! read_arg {
    ($env:ident, $a:ident, str, $n:literal) => {
        strings::required($env, &$a, $n)?
    };
    ($env:ident, $a:ident, opt, $n:literal) => {
        strings::optional($env, &$a, $n)?
    };
    ($env:ident, $a:ident, long, $n:literal) => {
        $a
    };
}

macro_rules! pass_arg {
    ($a:ident, str) => {
        &$a
    };
    ($a:ident, opt) => {
        $a.as_deref()
    };
    ($a:ident, long) => {
        $a
    };
}

macro_rules! ret {
    ($env:ident, $out:ident, String) => {
        jstring($env, $out)
    };
    ($env:ident, $out:ident, Long) => {
        Ok($out)
    };
}

store_exports! {
    /// `nativeSettings(handle: Long): String` (settings JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeSettings() -> String = ops::settings;

    /// `nativeSetSettings(handle: Long, settingsJson: String): String` (`{events, flags}` once
    /// re-derived).
    fn Java_org_dunwatch_core_NativeBridge_nativeSetSettings(settings: str "settings") -> String
        = ops::set_settings;

    /// `nativeRecordSms(handle: Long, number: String, body: String, metaJson: String): String`.
    fn Java_org_dunwatch_core_NativeBridge_nativeRecordSms(
        number: str "number", body: str "body", meta: str "meta"
    ) -> String = ops::record_sms;

    /// `nativeRecordCall(handle: Long, number: String, metaJson: String): String`.
    fn Java_org_dunwatch_core_NativeBridge_nativeRecordCall(number: str "number", meta: str "meta")
        -> String = ops::record_call;

    /// `nativeUpdateCall(handle: Long, callId: Long, metaJson: String): String`.
    fn Java_org_dunwatch_core_NativeBridge_nativeUpdateCall(call_id: long "callId", meta: str "meta")
        -> String = ops::update_call;

    /// `nativeScreenCall(handle: Long, number: String, atJson: String, policyJson: String?):
    /// String` (decision JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeScreenCall(
        number: str "number", at: str "at", policy: opt "policy"
    ) -> String = ops::screen_call;

    /// `nativeEvents(handle: Long, queryJson: String): String` (JSON array of events).
    fn Java_org_dunwatch_core_NativeBridge_nativeEvents(query: str "query") -> String = ops::events;

    /// `nativeUntagNumber(handle: Long, number: String): String` (number info JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeUntagNumber(number: str "number") -> String
        = ops::untag_number;

    /// `nativeMergeCases(handle: Long, from: String, into: String): String` (`{case, from,
    /// moved}` JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeMergeCases(from: str "from", into: str "into")
        -> String = ops::merge_cases;

    /// `nativeTimeline(handle: Long, queryJson: String): String` (JSON array of `{event, flags}`).
    fn Java_org_dunwatch_core_NativeBridge_nativeTimeline(query: str "query") -> String
        = ops::timeline;

    /// `nativeDebugLimitPages(handle: Long, extraPages: Long): Long`: tests only, caps the file
    /// so that SQLite reports a full disk (see `ops::debug_limit_pages`).
    fn Java_org_dunwatch_core_NativeBridge_nativeDebugLimitPages(extra_pages: long "extraPages")
        -> Long = ops::debug_limit_pages;

    /// `nativeRuleTexts(handle: Long, lang: String): String` (JSON array of the pack's rules,
    /// each `{rule, severity, description, source, parameters}` in `lang`).
    fn Java_org_dunwatch_core_NativeBridge_nativeRuleTexts(lang: str "lang") -> String
        = ops::rule_texts;

    /// `nativeToday(handle: Long, atJson: String): String` (today page JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeToday(at: str "at") -> String = ops::today;

    /// `nativeCasePage(handle: Long, caseId: Long): String` (case page JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeCasePage(case_id: long "caseId") -> String
        = ops::case_page;

    /// `nativeEventCount(handle: Long): Long`.
    fn Java_org_dunwatch_core_NativeBridge_nativeEventCount() -> Long = ops::event_count;

    /// `nativeCases(handle: Long): String` (JSON array of cases).
    fn Java_org_dunwatch_core_NativeBridge_nativeCases() -> String = ops::cases;

    /// `nativeFlags(handle: Long, queryJson: String): String` (JSON array of flags).
    fn Java_org_dunwatch_core_NativeBridge_nativeFlags(query: str "query") -> String = ops::flags;

    /// `nativeTagNumber(handle: Long, number: String, caseName: String): String` (number info
    /// JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeTagNumber(
        number: str "number", case_name: str "caseName"
    ) -> String = ops::tag_number;

    /// `nativeAddAnnotation(handle: Long, kind: String, caseName: String?, text: String,
    /// metaJson: String): Long`.
    fn Java_org_dunwatch_core_NativeBridge_nativeAddAnnotation(
        kind: str "kind", case_name: opt "caseName", text: str "text", meta: str "meta"
    ) -> Long = ops::add_annotation;

    /// `nativeAddAttachment(handle: Long, caseName: String?, name: String, sha256: String,
    /// metaJson: String): Long`.
    fn Java_org_dunwatch_core_NativeBridge_nativeAddAttachment(
        case_name: opt "caseName", name: str "name", sha256: str "sha256", meta: str "meta"
    ) -> Long = ops::add_attachment;

    /// `nativeRecordLoan(handle: Long, caseName: String, recordJson: String): String` (the stored
    /// loan with its assessment).
    fn Java_org_dunwatch_core_NativeBridge_nativeRecordLoan(
        case_name: str "caseName", record: str "record"
    ) -> String = ops::record_loan;

    /// `nativeLoan(handle: Long, caseName: String): String` (the case's loan JSON, or `null`).
    fn Java_org_dunwatch_core_NativeBridge_nativeLoan(case_name: str "caseName") -> String
        = ops::loan;

    /// `nativeVerify(handle: Long): String` (verification report JSON).
    fn Java_org_dunwatch_core_NativeBridge_nativeVerify() -> String = ops::verify;

    /// `nativeExportReport(handle: Long, path: String, optionsJson: String): String`.
    fn Java_org_dunwatch_core_NativeBridge_nativeExportReport(path: str "path", options: str "options")
        -> String = ops::export_report;
}

/// `nativeDebugPanic(message: String)`: panics inside Rust on purpose, so tests can check that a
/// panic reaches Kotlin as `DunwatchException(kind = INTERNAL)` and the library stays usable.
/// Harmless in production: it touches no state.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeDebugPanic<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    message: JString<'l>,
) {
    call(env, |env| -> Result<()> {
        let message = strings::required(env, &message, "message")?;
        panic!("debug panic requested: {message}");
    })
}

/// `nativeInstallModel(model: ByteArray): String`: the classifier's weights file (the app's
/// asset) for every store of the process; `{version, entries, sha256}` JSON. A null, oversized or
/// malformed file throws `DunwatchException(INVALID_ARGUMENT)` and changes nothing.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeInstallModel<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    model: JByteArray<'l>,
) -> JString<'l> {
    call(env, |env| {
        if model.is_null() {
            return Err(BridgeError::invalid("model is null"));
        }
        let len = model.len(env)?;
        if len > MAX_FILE_BYTES {
            return Err(BridgeError::invalid(format!(
                "model: file is {len} bytes, more than the {MAX_FILE_BYTES} allowed"
            )));
        }
        let bytes = env.convert_byte_array(&model)?;
        let out = ops::install_model(&bytes)?;
        jstring(env, out)
    })
}

/// `nativeFacts(): String`: core's facts the app's logic must agree with (JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeFacts<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> JString<'l> {
    call(env, |env| {
        let out = ops::facts()?;
        jstring(env, out)
    })
}

/// `nativeVersion(): String`, the crate version the library was built from.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeVersion<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> JString<'l> {
    call(env, |env| {
        jstring(env, env!("CARGO_PKG_VERSION").to_string())
    })
}
