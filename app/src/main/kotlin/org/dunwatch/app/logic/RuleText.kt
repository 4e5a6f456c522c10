package org.dunwatch.app.logic

/**
 * A flag's description in one language. Core writes `PRIMARY / ENGLISH — facts` (the pack's
 * languages joined, then the contact's facts, in English); a screen in Chinese shows the Chinese
 * part alone, one in English the English part and the facts. Until the bridge returns one
 * language (issue 15, item 7), the split lives here.
 */
object RuleText {
    private fun cjk(s: String) = s.any { Character.UnicodeScript.of(it.code) == Character.UnicodeScript.HAN }

    fun describe(description: String, chinese: Boolean): String {
        val rule = description.substringBefore(" — ")
        val facts = description.substringAfter(" — ", "")
        val parts = rule.split(" / ")
        // The pack's languages come primary first and English last; an English text may quote a
        // Chinese term ("address-book bombing" (爆通讯录)), so English is picked by position.
        val pick = if (chinese) parts.firstOrNull(::cjk) else parts.last()
        return when {
            pick == null -> rule
            chinese -> pick
            facts.isEmpty() -> pick
            else -> "$pick — $facts"
        }
    }
}
