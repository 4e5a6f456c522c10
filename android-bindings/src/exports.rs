//! The native methods of `org.dunwatch.core.NativeBridge` (Kotlin `object` with `@JvmStatic
//! external fun`s, so each receives the class as its second argument).
//!
//! Every export goes through [`call`]: `EnvUnowned::with_env` catches panics, and the
//! [`ThrowDunwatch`] policy turns errors and panics into `DunwatchException`. Each export creates
//! at most a few local references (its result string, or the exception), all released when it
//! returns to Java, so no loop in Java can make them pile up.

use crate::error::{Result, ThrowDunwatch};
use crate::{handles, logging, ops, strings};
use dunwatch_core::Evidence;
use jni::objects::{JClass, JString};
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

/// `nativeSettings(handle: Long): String` (settings JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeSettings<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    call(env, |env| {
        let out = ops::settings(&*store(handle)?)?;
        jstring(env, out)
    })
}

/// `nativeSetSettings(handle: Long, settingsJson: String): String` (`{events, flags}` once re-derived).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeSetSettings<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    settings: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let settings = strings::required(env, &settings, "settings")?;
        let out = ops::set_settings(&*store(handle)?, &settings)?;
        jstring(env, out)
    })
}

/// `nativeRecordSms(handle: Long, number: String, body: String, metaJson: String): String`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeRecordSms<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    number: JString<'l>,
    body: JString<'l>,
    meta: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let number = strings::required(env, &number, "number")?;
        let body = strings::required(env, &body, "body")?;
        let meta = strings::required(env, &meta, "meta")?;
        let out = ops::record_sms(&*store(handle)?, &number, &body, &meta)?;
        jstring(env, out)
    })
}

/// `nativeRecordCall(handle: Long, number: String, metaJson: String): String`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeRecordCall<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    number: JString<'l>,
    meta: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let number = strings::required(env, &number, "number")?;
        let meta = strings::required(env, &meta, "meta")?;
        let out = ops::record_call(&*store(handle)?, &number, &meta)?;
        jstring(env, out)
    })
}

/// `nativeUpdateCall(handle: Long, callId: Long, metaJson: String): String`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeUpdateCall<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    call_id: jlong,
    meta: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let meta = strings::required(env, &meta, "meta")?;
        let out = ops::update_call(&*store(handle)?, call_id, &meta)?;
        jstring(env, out)
    })
}

/// `nativeScreenCall(handle: Long, number: String, atJson: String, policyJson: String?): String`
/// (decision JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeScreenCall<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    number: JString<'l>,
    at: JString<'l>,
    policy: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let number = strings::required(env, &number, "number")?;
        let at = strings::required(env, &at, "at")?;
        let policy = strings::optional(env, &policy, "policy")?;
        let out = ops::screen_call(&*store(handle)?, &number, &at, policy.as_deref())?;
        jstring(env, out)
    })
}

/// `nativeEvents(handle: Long, queryJson: String): String` (JSON array of events).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeEvents<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    query: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let query = strings::required(env, &query, "query")?;
        let out = ops::events(&*store(handle)?, &query)?;
        jstring(env, out)
    })
}

/// `nativeUntagNumber(handle: Long, number: String): String` (number info JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeUntagNumber<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    number: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let number = strings::required(env, &number, "number")?;
        let out = ops::untag_number(&*store(handle)?, &number)?;
        jstring(env, out)
    })
}

/// `nativeTimeline(handle: Long, queryJson: String): String` (JSON array of `{event, flags}`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeTimeline<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    query: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let query = strings::required(env, &query, "query")?;
        let out = ops::timeline(&*store(handle)?, &query)?;
        jstring(env, out)
    })
}

/// `nativeToday(handle: Long, atJson: String): String` (today page JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeToday<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    at: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let at = strings::required(env, &at, "at")?;
        let out = ops::today(&*store(handle)?, &at)?;
        jstring(env, out)
    })
}

/// `nativeCasePage(handle: Long, caseId: Long): String` (case page JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeCasePage<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    case_id: jlong,
) -> JString<'l> {
    call(env, |env| {
        let out = ops::case_page(&*store(handle)?, case_id)?;
        jstring(env, out)
    })
}

/// `nativeEventCount(handle: Long): Long`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeEventCount<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> jlong {
    call(env, |_| ops::event_count(&*store(handle)?))
}

/// `nativeCases(handle: Long): String` (JSON array of cases).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeCases<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    call(env, |env| {
        let out = ops::cases(&*store(handle)?)?;
        jstring(env, out)
    })
}

/// `nativeFlags(handle: Long, queryJson: String): String` (JSON array of flags).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeFlags<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    query: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let query = strings::required(env, &query, "query")?;
        let out = ops::flags(&*store(handle)?, &query)?;
        jstring(env, out)
    })
}

/// `nativeTagNumber(handle: Long, number: String, caseName: String): String` (number info JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeTagNumber<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    number: JString<'l>,
    case_name: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let number = strings::required(env, &number, "number")?;
        let case_name = strings::required(env, &case_name, "caseName")?;
        let out = ops::tag_number(&*store(handle)?, &number, &case_name)?;
        jstring(env, out)
    })
}

/// `nativeAddAnnotation(handle: Long, kind: String, caseName: String?, text: String,
/// metaJson: String): Long`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeAddAnnotation<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    kind: JString<'l>,
    case_name: JString<'l>,
    text: JString<'l>,
    meta: JString<'l>,
) -> jlong {
    call(env, |env| {
        let kind = strings::required(env, &kind, "kind")?;
        let case_name = strings::optional(env, &case_name, "caseName")?;
        let text = strings::required(env, &text, "text")?;
        let meta = strings::required(env, &meta, "meta")?;
        ops::add_annotation(&*store(handle)?, &kind, case_name.as_deref(), &text, &meta)
    })
}

/// `nativeAddAttachment(handle: Long, caseName: String?, name: String, sha256: String,
/// metaJson: String): Long`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeAddAttachment<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    case_name: JString<'l>,
    name: JString<'l>,
    sha256: JString<'l>,
    meta: JString<'l>,
) -> jlong {
    call(env, |env| {
        let case_name = strings::optional(env, &case_name, "caseName")?;
        let name = strings::required(env, &name, "name")?;
        let sha256 = strings::required(env, &sha256, "sha256")?;
        let meta = strings::required(env, &meta, "meta")?;
        ops::add_attachment(
            &*store(handle)?,
            case_name.as_deref(),
            &name,
            &sha256,
            &meta,
        )
    })
}

/// `nativeVerify(handle: Long): String` (verification report JSON).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeVerify<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    call(env, |env| {
        let out = ops::verify(&*store(handle)?)?;
        jstring(env, out)
    })
}

/// `nativeExportReport(handle: Long, path: String, optionsJson: String): String`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_dunwatch_core_NativeBridge_nativeExportReport<'l>(
    env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    path: JString<'l>,
    options: JString<'l>,
) -> JString<'l> {
    call(env, |env| {
        let path = strings::required(env, &path, "path")?;
        let options = strings::required(env, &options, "options")?;
        let out = ops::export_report(&*store(handle)?, &path, &options)?;
        jstring(env, out)
    })
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
