package org.dunwatch.app

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/** The logic package stays plain Kotlin (tested here without Android); the app uses the framework only. */
class LayeringTest {
    private val kotlinRoot = File(System.getProperty("dunwatch.manifest")).resolveSibling("kotlin")

    private fun sources(dir: String) = File(kotlinRoot, dir).walkTopDown().filter { it.extension == "kt" }.toList()

    private fun imports(f: File) = f.readLines().filter { it.startsWith("import ") }.map { it.removePrefix("import ").trim() }

    @Test
    fun `the logic package imports nothing from Android`() {
        val logic = sources("org/dunwatch/app/logic")
        assertTrue(logic.size >= 5, "logic sources found: $logic")
        val bad = logic.flatMap { f -> imports(f).filter { it.startsWith("android.") || it.startsWith("org.dunwatch.app.") && !it.startsWith("org.dunwatch.app.logic.") }.map { "${f.name}: $it" } }
        assertEquals(emptyList<String>(), bad)
    }

    @Test
    fun `no AndroidX, support library, Compose or Google Play services anywhere in the app`() {
        val all = sources("org/dunwatch")
        val bad = all.flatMap { f ->
            imports(f).filter { i -> listOf("androidx.", "android.support.", "com.google.", "kotlinx.coroutines.").any { i.startsWith(it) } }.map { "${f.name}: $it" }
        }
        assertEquals(emptyList<String>(), bad)
    }
}
