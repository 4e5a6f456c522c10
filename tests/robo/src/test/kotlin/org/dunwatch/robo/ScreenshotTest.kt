package org.dunwatch.robo

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.view.View
import android.widget.FrameLayout
import android.widget.ScrollView
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.dunwatch.app.Stores
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.GraphicsMode
import java.io.File
import java.io.FileOutputStream

/**
 * Renders every screen to PNG (target/screenshots) in English, Simplified and Traditional Chinese,
 * and the Today screen at the largest font scale, from a store filled with the example phone
 * export through the app's own history import, as on 2025-03-28 at 23:00 in Shanghai.
 */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ScreenshotTest : RoboBase() {
    private val dir = File(System.getProperty("dunwatch.screenshot.dir") ?: "target/screenshots").apply { mkdirs() }

    @Before
    fun exampleStore() {
        assertEquals(59 to 146, loadExampleStore())
    }

    private fun shoot(a: MainActivity, name: String) {
        settle()
        val decor = a.window.decorView
        val content = a.findViewById<FrameLayout>(R.id.content)
        val scroll = content.getChildAt(0) as ScrollView
        val inner = scroll.getChildAt(0)
        val w = decor.width
        inner.measure(View.MeasureSpec.makeMeasureSpec(scroll.width, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(0, View.MeasureSpec.UNSPECIFIED))
        // The whole screen, made as tall as its content (capped), so nothing hides below the fold.
        val h = (decor.height - scroll.height + inner.measuredHeight).coerceIn(decor.height, MAX_HEIGHT)
        decor.measure(View.MeasureSpec.makeMeasureSpec(w, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(h, View.MeasureSpec.EXACTLY))
        decor.layout(0, 0, w, h)
        val bmp = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        bmp.eraseColor(Color.WHITE)
        decor.draw(Canvas(bmp))
        FileOutputStream(File(dir, "$name.png")).use { bmp.compress(Bitmap.CompressFormat.PNG, 100, it) }
        assertTrue(File(dir, "$name.png").length() > 10_000)
        // Half size, for docs/screens (scripts/app-screens.sh copies some).
        val small = Bitmap.createScaledBitmap(bmp, w / 2, h / 2, true)
        File(dir, "small").mkdirs()
        FileOutputStream(File(dir, "small/$name.png")).use { small.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }

    private fun everyScreen(lang: String, qualifier: String?) {
        RuntimeEnvironment.setQualifiers(SCREEN)
        qualifier?.let { RuntimeEnvironment.setQualifiers("+$it") }
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        settle()
        assertTrue("onboarding first", a.onboarding)
        shoot(a, "$lang-onboarding")
        a.finishOnboarding()
        for (t in MainActivity.Tab.entries) {
            a.show(t)
            shoot(a, "$lang-${t.name.lowercase()}")
        }
        a.openCaseId = store.cases().first { it.name == "速借金融" }.id
        a.show(MainActivity.Tab.CASES)
        shoot(a, "$lang-case")
        a.timelineCaseId = store.cases().first { it.name == "花花分期" }.id
        a.show(MainActivity.Tab.TIMELINE)
        shoot(a, "$lang-timeline-case")
        assertTrue(Onboarding.done(app))
    }

    @Test fun english() = everyScreen("en", null)

    @Test fun simplifiedChinese() = everyScreen("zh-Hans", "zh-rCN")

    @Test fun traditionalChinese() = everyScreen("zh-Hant", "zh-rTW")

    @Test
    fun largestFontScale() {
        RuntimeEnvironment.setQualifiers(SCREEN)
        RuntimeEnvironment.setFontScale(2.0f)
        Onboarding.markDone(app)
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        a.show(MainActivity.Tab.TODAY)
        shoot(a, "en-today-font2x")
        a.openCaseId = store.cases().first { it.name == "速借金融" }.id
        a.show(MainActivity.Tab.CASES)
        shoot(a, "en-case-font2x")
    }

    private companion object {
        const val MAX_HEIGHT = 9000
        /** A common phone (411 × 891 dp), at xhdpi to keep the files small. */
        const val SCREEN = "w411dp-h891dp-xhdpi"
    }

}
