package org.dunwatch.app.logic

import org.dunwatch.core.ReportLanguage
import java.util.Locale

/**
 * Which of core's languages the app asks for, from the user's locale: rule descriptions, legal
 * sources and exported reports come in Traditional Chinese (`zh-Hant`), Simplified (`zh`) or
 * English (for rule texts core falls back to the nearest it has).
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

    /** The report language, chosen as [ruleTexts] chooses. */
    fun report(locale: Locale?): ReportLanguage = when {
        locale?.language != "zh" -> ReportLanguage.EN
        isTraditional(locale) -> ReportLanguage.ZH_HANT
        else -> ReportLanguage.ZH
    }

    private fun isTraditional(locale: Locale): Boolean = when (locale.script) {
        "Hant" -> true
        "" -> locale.country in setOf("TW", "HK", "MO")
        else -> false
    }
}
