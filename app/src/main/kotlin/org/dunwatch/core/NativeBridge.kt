package org.dunwatch.core

/**
 * The JNI surface of `libdunwatch_android.so` (crate `android-bindings`): one `external fun` per
 * Rust export. Low level on purpose: strings, JSON and `Long` handles. App code uses
 * [DunwatchStore]; these are public only so the JVM tests can pass what Kotlin's types forbid
 * (nulls, forged handles).
 *
 * Every function throws [DunwatchException] on any failure, including a panic inside Rust.
 *
 * Loading: on Android `System.loadLibrary("dunwatch_android")`. On a host JVM, set the system
 * property `dunwatch.lib.path` to the absolute path of the `.so` cargo built, and it is
 * `System.load`ed instead.
 */
object NativeBridge {
    /** System property naming the library file to load instead of `dunwatch_android`. */
    const val LIB_PATH_PROPERTY = "dunwatch.lib.path"

    init {
        val path = System.getProperty(LIB_PATH_PROPERTY)
        if (path.isNullOrEmpty()) System.loadLibrary("dunwatch_android") else System.load(path)
    }

    @JvmStatic external fun nativeVersion(): String
    @JvmStatic external fun nativeFacts(): String
    @JvmStatic external fun nativeInstallModel(model: ByteArray?): String
    @JvmStatic external fun nativeOpen(path: String?, settingsJson: String?): Long
    @JvmStatic external fun nativeClose(handle: Long)
    @JvmStatic external fun nativeOpenHandles(): Int
    @JvmStatic external fun nativeSettings(handle: Long): String
    @JvmStatic external fun nativeSetSettings(handle: Long, settingsJson: String?): String
    @JvmStatic external fun nativeRecordSms(handle: Long, number: String?, body: String?, metaJson: String?): String
    @JvmStatic external fun nativeRecordCall(handle: Long, number: String?, metaJson: String?): String
    @JvmStatic external fun nativeUpdateCall(handle: Long, callId: Long, metaJson: String?): String
    @JvmStatic external fun nativeScreenCall(handle: Long, number: String?, atJson: String?, policyJson: String?): String
    @JvmStatic external fun nativeEvents(handle: Long, queryJson: String?): String
    @JvmStatic external fun nativeEventCount(handle: Long): Long
    @JvmStatic external fun nativeCases(handle: Long): String
    @JvmStatic external fun nativeFlags(handle: Long, queryJson: String?): String
    @JvmStatic external fun nativeTagNumber(handle: Long, number: String?, caseName: String?): String
    @JvmStatic external fun nativeAddAnnotation(
        handle: Long, kind: String?, caseName: String?, text: String?, metaJson: String?,
    ): Long
    @JvmStatic external fun nativeAddAttachment(
        handle: Long, caseName: String?, name: String?, sha256: String?, metaJson: String?,
    ): Long
    @JvmStatic external fun nativeUntagNumber(handle: Long, number: String?): String
    @JvmStatic external fun nativeMergeCases(handle: Long, from: String?, into: String?): String
    @JvmStatic external fun nativeRuleTexts(handle: Long, lang: String?): String
    @JvmStatic external fun nativeToday(handle: Long, atJson: String?): String
    @JvmStatic external fun nativeTimeline(handle: Long, queryJson: String?): String
    @JvmStatic external fun nativeCasePage(handle: Long, caseId: Long): String
    @JvmStatic external fun nativeRecordLoan(handle: Long, caseName: String?, recordJson: String?): String
    @JvmStatic external fun nativeLoan(handle: Long, caseName: String?): String
    @JvmStatic external fun nativeVerify(handle: Long): String
    @JvmStatic external fun nativeExportReport(handle: Long, path: String?, optionsJson: String?): String

    /** Tests only: caps the store file at its size plus [extraPages] pages, so SQLite reports a full disk. */
    @JvmStatic external fun nativeDebugLimitPages(handle: Long, extraPages: Long): Long

    /** Panics inside Rust on purpose (tests check that it arrives as [DunwatchException]). */
    @JvmStatic external fun nativeDebugPanic(message: String?)
}
