package org.dunwatch.robo

import android.view.View
import android.view.ViewGroup
import android.widget.FrameLayout
import android.widget.ScrollView
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.DayChart
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Stores
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.GraphicsMode

/**
 * Walks every screen's views, filled from the example export, in English and Chinese, and fails on
 * a touch target under 48 dp, a clickable view a screen reader cannot name, a drawn view (an
 * image, the chart) without a description, or a focus order that is not the reading order. Selectable text (an SMS body, a number) is long-pressed
 * to copy, not a button, and is not held to the 48 dp rule.
 */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class AccessibilityTest : RoboBase() {

    @Before
    fun exampleStore() {
        loadExampleStore()
    }

    private fun layOut(a: MainActivity) {
        settle()
        val decor = a.window.decorView
        val scroll = a.findViewById<FrameLayout>(R.id.content).getChildAt(0) as? ScrollView ?: return
        val inner = scroll.getChildAt(0)
        inner.measure(View.MeasureSpec.makeMeasureSpec(scroll.width, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(0, View.MeasureSpec.UNSPECIFIED))
        inner.layout(0, 0, inner.measuredWidth, inner.measuredHeight)
        assertTrue(decor.width > 0)
    }

    private fun views(v: View): List<View> =
        if (v.visibility != View.VISIBLE) emptyList()
        else listOf(v) + if (v is ViewGroup) (0 until v.childCount).flatMap { views(v.getChildAt(it)) } else emptyList()

    private fun named(v: View): Boolean = !v.contentDescription.isNullOrBlank() ||
        (v is TextView && v.text.isNotBlank()) || (v is ViewGroup && (0 until v.childCount).any { named(v.getChildAt(it)) })

    /** What is wrong with the screen [where] shows, one line per view. */
    private fun problems(a: MainActivity, where: String): List<String> {
        layOut(a)
        val min = (48 * a.resources.displayMetrics.density).toInt() - 1
        val out = mutableListOf<String>()
        for (v in views(a.findViewById(R.id.content)) + views(a.findViewById(R.id.tabs))) {
            val what = "$where: ${v.javaClass.simpleName} \"${(v as? TextView)?.text ?: v.contentDescription}\""
            if (v.isClickable && v.isEnabled && !(v is TextView && v.isTextSelectable)) {
                if (v.height < min || v.width < min) out += "$what is ${v.width}×${v.height} px, under 48 dp ($min px)"
                if (!named(v)) out += "$what has no text or description for a screen reader"
            }
            if (v !is ViewGroup && v !is TextView && v.contentDescription.isNullOrBlank()) {
                out += "$what draws something without a description"
            }
        }
        out += focusOrder(a, where)
        return out
    }

    /**
     * Focus order: a screen reader visits the focusable views in the order of the view tree, so
     * that order must be the reading order on screen (top to bottom, a row left to right); and
     * moving focus forward from the first one (a keyboard's Tab) reaches every one of them, each
     * once, without getting stuck.
     */
    private fun focusOrder(a: MainActivity, where: String): List<String> {
        // A scroll view takes focus only when nothing inside it does.
        val focusables = views(a.findViewById(R.id.content)).filter { it.isFocusable && it.isEnabled && it.width > 0 && it !is ScrollView }
        if (focusables.isEmpty()) return emptyList()
        val out = mutableListOf<String>()
        val at = focusables.associateWith { v -> IntArray(2).also { v.getLocationInWindow(it) } }
        fun name(v: View) = "${v.javaClass.simpleName} \"${(v as? TextView)?.text ?: v.contentDescription}\""
        for ((prev, next) in focusables.zipWithNext()) {
            val (p, n) = at.getValue(prev) to at.getValue(next)
            val sameRow = n[1] < p[1] + prev.height && p[1] < n[1] + next.height
            if (if (sameRow) n[0] < p[0] else n[1] < p[1]) {
                out += "$where: ${name(next)} at ${n.toList()} is read after ${name(prev)} at ${p.toList()} but drawn before it"
            }
        }
        val seen = mutableListOf(focusables.first())
        var stop: View? = null
        while (seen.size < focusables.size) {
            val next = seen.last().focusSearch(View.FOCUS_FORWARD)
            if (next == null || next !in focusables || next in seen) {
                stop = next
                break
            }
            seen += next
        }
        for (v in focusables - seen.toSet()) {
            out += "$where: ${name(v)} is not reached by moving focus forward (from ${name(seen.last())} it goes to ${stop?.let(::name)})"
        }
        return out
    }

    private fun everyScreen(qualifier: String?): List<String> {
        RuntimeEnvironment.setQualifiers("w411dp-h891dp-xhdpi")
        qualifier?.let { RuntimeEnvironment.setQualifiers("+$it") }
        // As with a keyboard: out of touch mode, where buttons take focus too (focusOrder).
        org.robolectric.shadows.ShadowInstrumentation.getInstrumentation().setInTouchMode(false)
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        val out = mutableListOf<String>()
        assertTrue(!a.window.decorView.isInTouchMode)
        out += problems(a, "onboarding")
        a.finishOnboarding()
        for (t in MainActivity.Tab.entries) {
            a.show(t)
            out += problems(a, t.name)
        }
        a.openCaseId = store.cases().first { it.name == "速借金融" }.id
        a.show(MainActivity.Tab.CASES)
        out += problems(a, "case")
        // The chart's text equivalent: its description says what the bars show, and is printed too.
        val chart = views(a.findViewById(R.id.content)).filterIsInstance<DayChart>().single()
        assertTrue(chart.contentDescription.any { it.isDigit() })
        assertTrue(ComponentsTest.texts(a.findViewById(R.id.content)).contains(chart.contentDescription.toString()))
        a.timelineCaseId = store.cases().first { it.name == "花花分期" }.id
        a.show(MainActivity.Tab.TIMELINE)
        out += problems(a, "timeline of a case")
        return out
    }

    @Test
    fun everyScreenInEnglishHasLargeNamedTargetsDescribedDrawingsAndReadingOrder() {
        assertEquals(emptyList<String>(), everyScreen(null))
    }

    @Test
    fun everyScreenInChineseHasLargeNamedTargetsDescribedDrawingsAndReadingOrder() {
        assertEquals(emptyList<String>(), everyScreen("zh-rCN"))
    }
}
