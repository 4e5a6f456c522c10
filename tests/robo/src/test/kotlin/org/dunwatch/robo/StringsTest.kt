package org.dunwatch.robo

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.w3c.dom.Element
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/**
 * Every user-visible string is in each language the app ships (en, zh-Hans, zh-Hant), with the
 * same format arguments; every string array has as many items everywhere.
 */
class StringsTest {
    private val res = File(System.getProperty("dunwatch.res") ?: "../../app/src/main/res")
    private val languages = listOf("values-zh-rCN", "values-zh-rTW")

    private data class Res(val strings: Map<String, String>, val arrays: Map<String, Int>)

    private fun read(dir: String): Res {
        val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(File(res, "$dir/strings.xml"))
        val strings = doc.getElementsByTagName("string").let { l -> (0 until l.length).map { l.item(it) as Element } }
            .associate { it.getAttribute("name") to it.textContent }
        val arrays = doc.getElementsByTagName("string-array").let { l -> (0 until l.length).map { l.item(it) as Element } }
            .associate { it.getAttribute("name") to it.getElementsByTagName("item").length }
        return Res(strings, arrays)
    }

    private fun args(s: String): List<String> = Regex("%(\\d+\\$)?[-#+ 0,(]*\\d*(\\.\\d+)?[sdfx%]").findAll(s).map { it.value }.filter { it != "%%" }.sorted().toList()

    private fun words(s: String) = Regex("%(\\d+\\$)?[sdf]").replace(s, "").any { it.isLetter() }

    @Test
    fun everyLanguageHasEveryKeyWithTheSameArguments() {
        val en = read("values")
        assertTrue("English strings were read", en.strings.size > 50)
        for (lang in languages) {
            val other = read(lang)
            assertEquals("$lang: keys", en.strings.keys.sorted(), other.strings.keys.sorted())
            for ((k, v) in en.strings) assertEquals("$lang/$k: format arguments", args(v), args(other.strings.getValue(k)))
            assertEquals("$lang: arrays", en.arrays, other.arrays)
            // Identical text is untranslated unless it has no words (only arguments and signs).
            val same = en.strings.filter { (k, v) -> other.strings[k] == v && k != "app_name" && words(v) }
            assertTrue("$lang: untranslated: ${same.keys}", same.isEmpty())
        }
    }

    @Test
    fun theCheckCatchesAMissingKeyAndADifferentArgument() {
        assertEquals(listOf("%1\$d", "%2\$s"), args("a %2\$s b %1\$d"))
        assertTrue(args("%1\$s") != args("%1\$d"))
    }
}
