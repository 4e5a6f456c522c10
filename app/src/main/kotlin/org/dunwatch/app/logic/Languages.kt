package org.dunwatch.app.logic

import org.dunwatch.core.ReportLanguage
import java.util.Locale

/**
 * Which of core's languages the app asks for, from the user's locale: rule descriptions and legal
 * sources come in Traditional Chinese (`zh-Hant`), Simplified (`zh`) or English (core falls back
 * to the nearest it has); exported reports in Chinese or English.
 */
object Languages {
    /**
     * The language code for rule texts: `zh-Hant` for Traditional script (zh-Hant-*, or a Taiwan,
     * Hong Kong or Macau locale that names no script), `zh` for other Chinese, `en` otherwise.
     */
    fun ruleTexts(locale: Locale?): String = when {
        locale?.language != "zh" -> "en"
        isTraditional(locale) -> "zh-Hant"
        else -> "zh"
    }

    /** The report language: Chinese for either script (reports are written in Simplified). */
    fun report(locale: Locale?): ReportLanguage = if (locale?.language == "zh") ReportLanguage.ZH else ReportLanguage.EN

    private fun isTraditional(locale: Locale): Boolean = when (locale.script) {
        "Hant" -> true
        "" -> locale.country in setOf("TW", "HK", "MO")
        else -> false
    }
}
