package org.dunwatch.core

/**
 * Every failure of the native library: bad arguments, closed handles, storage errors and even a
 * panic inside Rust arrive as this exception, never as a crash.
 */
class DunwatchException(val kind: Kind, message: String) : RuntimeException(message) {
    /** Called from Rust (JNI) with the kind's code, e.g. `invalid_handle`. */
    constructor(kindCode: String, message: String) : this(Kind.fromCode(kindCode), message)

    enum class Kind(val code: String) {
        /** Null, malformed or refused input (including text with unpaired surrogates). */
        INVALID_ARGUMENT("invalid_argument"),
        /** A store handle that was closed or never opened. */
        INVALID_HANDLE("invalid_handle"),
        NOT_FOUND("not_found"),
        /** Database or file system failure (full disk, unreadable file, newer schema). */
        STORAGE("storage"),
        /** A feature whose core part is not in this build yet. */
        UNSUPPORTED("unsupported"),
        /** The disk is full: nothing was lost; free space and retry. */
        STORAGE_FULL("storage_full"),
        /** The store was written by a newer dunwatch: update the app. */
        SCHEMA_TOO_NEW("schema_too_new"),
        /** The operation stopped before its end (not bad input, not a failure of its own). */
        CANCELLED("cancelled"),
        /** A bug inside the library (a caught panic); the library stays usable. */
        INTERNAL("internal");

        companion object {
            fun fromCode(code: String): Kind = entries.firstOrNull { it.code == code } ?: INTERNAL
        }
    }
}
