package org.dunwatch.app.logic

import org.dunwatch.core.DunwatchException

/**
 * What went wrong, as the user is told it: each kind has a string resource in every language, so
 * the screens never show core's English message. Chosen by core's error kind
 * ([DunwatchException.kind]); the message itself only goes to the log.
 */
enum class Failure {
    /** The disk is full: nothing was lost, free space. */
    DISK_FULL,

    /** The store could not be opened: calls ring, evidence stays. */
    STORE_UNAVAILABLE,

    /** The store was written by a newer dunwatch. */
    STORE_TOO_NEW,

    /** Core refused the input (a broken number, a bad date, an entry of a loan). */
    REFUSED,

    /** What was asked for is gone (a case merged away meanwhile). */
    NOT_FOUND,

    /** Any other storage failure. */
    STORAGE,

    /** The work was stopped before its end. */
    CANCELLED,

    /** A bug: a caught panic, or an exception that is not core's. */
    OTHER;

    companion object {
        /** [e] (or the first [DunwatchException] among its causes); [storeOpening]: it came from opening the store. */
        fun of(e: Throwable, storeOpening: Boolean = false): Failure {
            val core = generateSequence(e) { it.cause }.filterIsInstance<DunwatchException>().firstOrNull()
            return when (core?.kind) {
                DunwatchException.Kind.STORAGE_FULL -> DISK_FULL
                DunwatchException.Kind.SCHEMA_TOO_NEW -> STORE_TOO_NEW
                else -> when {
                    storeOpening -> STORE_UNAVAILABLE
                    core == null -> if (generateSequence(e) { it.cause }.any { it is java.io.IOException }) STORAGE else OTHER
                    core.kind == DunwatchException.Kind.INVALID_ARGUMENT -> REFUSED
                    core.kind == DunwatchException.Kind.NOT_FOUND -> NOT_FOUND
                    core.kind == DunwatchException.Kind.STORAGE -> STORAGE
                    core.kind == DunwatchException.Kind.CANCELLED -> CANCELLED
                    else -> OTHER
                }
            }
        }
    }
}
