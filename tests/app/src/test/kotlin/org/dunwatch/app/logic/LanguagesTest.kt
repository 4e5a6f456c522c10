package org.dunwatch.app.logic

import org.dunwatch.core.ReportLanguage
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.util.Locale

class LanguagesTest {
    private fun tag(t: String) = Locale.forLanguageTag(t)

    @Test
    fun `Traditional Chinese locales ask for zh-Hant`() {
        for (t in listOf("zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-TW", "zh-Hant-CN", "zh-Hant-US")) {
            assertEquals("zh-Hant", Languages.ruleTexts(tag(t)), t)
        }
        // Android's legacy constructor form.
        assertEquals("zh-Hant", Languages.ruleTexts(Locale("zh", "TW")))
        assertEquals("zh-Hant", Languages.ruleTexts(Locale.TRADITIONAL_CHINESE))
    }

    @Test
    fun `other Chinese asks for zh, everything else for en`() {
        for (t in listOf("zh", "zh-CN", "zh-SG", "zh-Hans", "zh-Hans-CN", "zh-Hans-HK", "zh-Hans-TW")) {
            assertEquals("zh", Languages.ruleTexts(tag(t)), t)
        }
        for (t in listOf("en", "en-US", "en-HK", "fr-FR", "yue-HK", "und")) {
            assertEquals("en", Languages.ruleTexts(tag(t)), t)
        }
        assertEquals("en", Languages.ruleTexts(null))
    }

    @Test
    fun `reports are in the script of the locale`() {
        for (t in listOf("zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-TW", "zh-Hant-CN", "zh-Hant-US")) {
            assertEquals(ReportLanguage.ZH_HANT, Languages.report(tag(t)), t)
        }
        assertEquals(ReportLanguage.ZH_HANT, Languages.report(Locale("zh", "HK")))
        assertEquals(ReportLanguage.ZH_HANT, Languages.report(Locale.TRADITIONAL_CHINESE))
        for (t in listOf("zh", "zh-CN", "zh-SG", "zh-Hans", "zh-Hans-HK", "zh-Hans-TW")) {
            assertEquals(ReportLanguage.ZH, Languages.report(tag(t)), t)
        }
        assertEquals(ReportLanguage.ZH, Languages.report(Locale.SIMPLIFIED_CHINESE))
        for (t in listOf("en", "en-GB", "en-HK", "yue-HK", "fr-FR")) {
            assertEquals(ReportLanguage.EN, Languages.report(tag(t)), t)
        }
        assertEquals(ReportLanguage.EN, Languages.report(null))
        // The report and the screens' rule texts are always in one language.
        for (t in listOf("zh-TW", "zh-Hant-CN", "zh-Hans-HK", "zh", "en-HK")) {
            assertEquals(Languages.ruleTexts(tag(t)), Languages.report(tag(t)).code, t)
        }
    }
}
