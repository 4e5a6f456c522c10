//! Errors of the bridge and how they reach Java: every failure, including a panic, becomes an
//! `org.dunwatch.core.DunwatchException(kind, message)`; nothing unwinds into the JVM.

use jni::errors::ErrorPolicy;
use jni::objects::{JObject, JThrowable, JValue};
use jni::{jni_sig, jni_str, Env};
use std::any::Any;
use std::fmt;

/// Category of a failure; its `code` is what the Kotlin `DunwatchException.Kind` parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bad argument: null, malformed JSON, invalid UTF-16, refused by core's validation.
    InvalidArgument,
    /// A handle that was never issued, or was closed.
    InvalidHandle,
    /// Something asked for does not exist.
    NotFound,
    /// Database or file system failure.
    Storage,
    /// A feature whose core part is not there yet.
    Unsupported,
    /// The disk is full: nothing was lost, free space and retry.
    StorageFull,
    /// The store was written by a newer dunwatch: update the app.
    SchemaTooNew,
    /// The operation stopped before its end (not bad input, not a failure of its own).
    Cancelled,
    /// A panic inside Rust, caught at the boundary.
    Internal,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::InvalidArgument => "invalid_argument",
            Kind::InvalidHandle => "invalid_handle",
            Kind::NotFound => "not_found",
            Kind::Storage => "storage",
            Kind::Unsupported => "unsupported",
            Kind::StorageFull => "storage_full",
            Kind::SchemaTooNew => "schema_too_new",
            Kind::Cancelled => "cancelled",
            Kind::Internal => "internal",
        }
    }
}

/// A failure on its way to Java.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeError {
    pub kind: Kind,
    pub message: String,
}

pub type Result<T, E = BridgeError> = std::result::Result<T, E>;

impl BridgeError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        BridgeError {
            kind,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::InvalidArgument, message)
    }
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl std::error::Error for BridgeError {}

impl From<dunwatch_core::Error> for BridgeError {
    fn from(e: dunwatch_core::Error) -> Self {
        use dunwatch_core::Error as E;
        let kind = match &e {
            E::InvalidInput(_) | E::InvalidSetting(_) | E::Parse(_) => Kind::InvalidArgument,
            E::NotFound(_) => Kind::NotFound,
            E::SchemaTooNew { .. } => Kind::SchemaTooNew,
            E::NotAStore(_) => Kind::Storage,
            E::Sqlite(_) | E::Io(_) if e.is_disk_full() => Kind::StorageFull,
            E::Sqlite(_) | E::Io(_) => Kind::Storage,
            E::Cancelled(_) => Kind::Cancelled,
        };
        BridgeError::new(kind, e.to_string())
    }
}

impl From<serde_json::Error> for BridgeError {
    fn from(e: serde_json::Error) -> Self {
        BridgeError::invalid(format!("malformed JSON argument: {e}"))
    }
}

/// JNI failures (a pending Java exception, out of memory) keep whatever Java already threw; the
/// policy below only throws when nothing is pending.
impl From<jni::errors::Error> for BridgeError {
    fn from(e: jni::errors::Error) -> Self {
        BridgeError::new(Kind::Internal, format!("JNI error: {e}"))
    }
}

/// Text of a panic payload (`panic!("literal")` gives `&str`, formatted panics give `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

const EXCEPTION_CLASS: &str = "org/dunwatch/core/DunwatchException";

/// Throws `DunwatchException(kind, message)`; falls back to `RuntimeException` if the class cannot
/// be constructed (for example a host program without the Kotlin bridge on its class path).
fn throw(env: &mut Env<'_>, kind: Kind, message: &str) -> jni::errors::Result<()> {
    if env.exception_check() {
        return Ok(()); // a Java exception is already on its way; it wins
    }
    let built = env.with_local_frame(4, |env| -> jni::errors::Result<()> {
        let class = env.find_class(jni_str!("org/dunwatch/core/DunwatchException"))?;
        let jkind = env.new_string(kind.code())?;
        let jmsg = env.new_string(message)?;
        let obj: JObject = env.new_object(
            &class,
            jni_sig!((kind: java.lang.String, message: java.lang.String) -> void),
            &[JValue::Object(&jkind), JValue::Object(&jmsg)],
        )?;
        let throwable = env.cast_local::<JThrowable>(obj)?;
        let _ = env.throw(throwable);
        Ok(())
    });
    if built.is_err() || !env.exception_check() {
        log::error!("could not throw {EXCEPTION_CLASS}: {built:?}");
        env.exception_clear();
        let msg = format!("{}: {message}", kind.code());
        let _ = env.throw_new(
            jni_str!("java/lang/RuntimeException"),
            jni::strings::JNIString::new(msg),
        );
    }
    Ok(())
}

/// The bridge's [`ErrorPolicy`]: errors and panics become `DunwatchException`, and the native
/// method returns the type's default (0, false, null), which Java never sees because it throws.
pub struct ThrowDunwatch;

impl<T: Default> ErrorPolicy<T, BridgeError> for ThrowDunwatch {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        err: BridgeError,
    ) -> jni::errors::Result<T> {
        log::debug!("native call failed: {err}");
        throw(env, err.kind, &err.message)?;
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let msg = panic_message(payload.as_ref());
        // Dropping a payload can itself panic; leak it rather than risk that at the boundary.
        std::mem::forget(payload);
        log::error!("panic inside dunwatch: {msg}");
        throw(
            env,
            Kind::Internal,
            &format!("panic inside dunwatch: {msg}"),
        )?;
        Ok(T::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_map_to_kinds() {
        let e: BridgeError = dunwatch_core::Error::NotFound("case x".into()).into();
        assert_eq!(e.kind, Kind::NotFound);
        assert!(e.message.contains("case x"));
        let e: BridgeError = dunwatch_core::Error::InvalidSetting("tz".into()).into();
        assert_eq!(e.kind, Kind::InvalidArgument);
        let e: BridgeError = dunwatch_core::Error::NotAStore("x is a directory".into()).into();
        assert_eq!(e.kind, Kind::Storage);
        let e: BridgeError = dunwatch_core::Error::Cancelled("import stopped".into()).into();
        assert_eq!(e.kind, Kind::Cancelled);
        let e: BridgeError = dunwatch_core::Error::SchemaTooNew {
            found: 9,
            supported: 5,
        }
        .into();
        assert_eq!(e.kind, Kind::SchemaTooNew);
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let e: BridgeError = dunwatch_core::Error::Io(full).into();
        assert_eq!(e.kind, Kind::StorageFull);
        let e: BridgeError = dunwatch_core::Error::Io(std::io::Error::other("x")).into();
        assert_eq!(e.kind, Kind::Storage);
        let e: BridgeError = serde_json::from_str::<i32>("{").unwrap_err().into();
        assert_eq!(e.kind, Kind::InvalidArgument);
        assert!(e.message.starts_with("malformed JSON"));
    }

    #[test]
    fn panic_payloads_are_read() {
        let p = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "plain");
        let n = 3;
        let p = std::panic::catch_unwind(|| panic!("formatted {n}")).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "formatted 3");
        let p = std::panic::catch_unwind(|| std::panic::panic_any(7u8)).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "non-string panic payload");
    }
}
