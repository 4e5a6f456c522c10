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
    fun `reports are Chinese for either script`() {
        assertEquals(ReportLanguage.ZH, Languages.report(tag("zh-TW")))
        assertEquals(ReportLanguage.ZH, Languages.report(tag("zh-CN")))
        assertEquals(ReportLanguage.EN, Languages.report(tag("en-GB")))
        assertEquals(ReportLanguage.EN, Languages.report(null))
    }
}
