package org.dunwatch.app

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.view.Gravity
import android.view.View
import android.view.ViewGroup
import android.widget.FrameLayout
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.logic.Failure
import org.dunwatch.app.logic.FormProblem
import org.dunwatch.app.logic.Languages
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.ReportLanguage

/**
 * The app's one activity: first-run onboarding, then six screens behind a bottom bar (Today,
 * Timeline, Cases, Evidence, Settings, Export). Store work runs on [Stores.background]; results
 * come back on the main thread. The open screen, the open case and the timeline's filter survive
 * rotation and process death (saved state); typed text is kept by the framework (fixed view ids).
 */
class MainActivity : Activity() {
    enum class Tab(val label: Int) {
        TODAY(R.string.tab_today), TIMELINE(R.string.tab_timeline), CASES(R.string.tab_cases),
        EVIDENCE(R.string.tab_evidence), SETTINGS(R.string.tab_settings), EXPORT(R.string.tab_export),
    }

    lateinit var ui: Ui
        private set
    private lateinit var status: TextView
    private lateinit var content: FrameLayout
    private lateinit var tabs: LinearLayout

    var tab: Tab = Tab.TODAY
        private set
    /** The case the Cases screen shows (null: the list). */
    var openCaseId: Long? = null
    /** The timeline's case filter (null: every collector). */
    var timelineCaseId: Long? = null
    var onboarding: Boolean = false
        private set

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        ui = Ui(this)
        val root = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        status = ui.body("").apply {
            id = R.id.status
            visibility = View.GONE
            setPadding(ui.dp(16), ui.dp(8), ui.dp(16), ui.dp(8))
            setBackgroundColor(0xFFFFF3E0.toInt())
            accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_POLITE
        }
        content = FrameLayout(this).apply { id = R.id.content }
        tabs = LinearLayout(this).apply {
            id = R.id.tabs
            orientation = LinearLayout.HORIZONTAL
            setBackgroundColor(0xFFF1F3F4.toInt())
        }
        root.addView(status, LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT))
        root.addView(content, LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, 0, 1f))
        root.addView(tabs, LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT))
        Insets.apply(root)
        setContentView(root)

        savedInstanceState?.let { s ->
            tab = Tab.entries.getOrNull(s.getInt(STATE_TAB)) ?: Tab.TODAY
            openCaseId = s.getLong(STATE_CASE, -1).takeIf { it >= 0 }
            timelineCaseId = s.getLong(STATE_FILTER, -1).takeIf { it >= 0 }
            s.getCharSequence(STATE_STATUS)?.let(::say)
        }
        onboarding = !Onboarding.done(this)
        intent?.let(::openFromIntent)
        Notifications.channels(applicationContext)
        CallLogJobService.schedule(applicationContext)
        render()
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        if (openFromIntent(intent)) render()
    }

    /** A notification's tap: open the collector's case. */
    private fun openFromIntent(intent: Intent): Boolean {
        if (!intent.hasExtra(Notifications.EXTRA_CASE)) return false
        openCaseId = intent.getLongExtra(Notifications.EXTRA_CASE, -1).takeIf { it >= 0 }
        tab = Tab.CASES
        intent.removeExtra(Notifications.EXTRA_CASE)
        return true
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        outState.putInt(STATE_TAB, tab.ordinal)
        openCaseId?.let { outState.putLong(STATE_CASE, it) }
        timelineCaseId?.let { outState.putLong(STATE_FILTER, it) }
        if (status.visibility == View.VISIBLE) outState.putCharSequence(STATE_STATUS, status.text)
    }

    fun show(t: Tab) {
        tab = t
        render()
    }

    fun finishOnboarding() {
        Onboarding.markDone(this)
        onboarding = false
        render()
    }

    fun showOnboarding() {
        onboarding = true
        render()
    }

    /**
     * Shows core's own HTML report (charts as inline SVG) in a WebView with JavaScript, file and
     * network access off; the SMS bodies in it are escaped by core. Back returns to Export.
     */
    fun showReport(html: String) {
        content.removeAllViews()
        val column = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        column.addView(ui.button(getString(R.string.report_back)) { render() })
        val web = android.webkit.WebView(this).apply {
            id = R.id.report_view
            settings.javaScriptEnabled = false
            settings.blockNetworkLoads = true
            settings.allowFileAccess = false
            settings.allowContentAccess = false
            contentDescription = getString(R.string.export_view)
            loadDataWithBaseURL(null, html, "text/html", "UTF-8", null)
        }
        column.addView(web, LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, 0, 1f))
        content.addView(column)
    }

    /** Builds the current screen (synchronously, so saved view state finds its views). */
    fun render() {
        content.removeAllViews()
        renderTabs()
        val screen: Screen = if (onboarding) {
            OnboardingScreen(this)
        } else {
            when (tab) {
                Tab.TODAY -> TodayScreen(this)
                Tab.TIMELINE -> TimelineScreen(this)
                Tab.CASES -> CaseScreen(this)
                Tab.EVIDENCE -> EvidenceScreen(this)
                Tab.SETTINGS -> SettingsScreen(this)
                Tab.EXPORT -> ExportScreen(this)
            }
        }
        val scroll = ScrollView(this).apply {
            id = View.generateViewId()
            isFillViewport = true
            addView(screen.view)
        }
        content.addView(scroll)
        title = getString(if (onboarding) R.string.app_name else tab.label)
        screen.load()
    }

    private fun renderTabs() {
        tabs.removeAllViews()
        tabs.visibility = if (onboarding) View.GONE else View.VISIBLE
        for (t in Tab.entries) {
            val selected = t == tab
            tabs.addView(
                TextView(this).apply {
                    setText(t.label)
                    gravity = Gravity.CENTER
                    minHeight = ui.dp(56)
                    maxLines = 1
                    // Long labels (German-length English, large fonts) shrink instead of being cut.
                    setAutoSizeTextTypeUniformWithConfiguration(8, 13, 1, android.util.TypedValue.COMPLEX_UNIT_SP)
                    contentDescription = getString(t.label)
                    setPadding(ui.dp(2), 0, ui.dp(2), 0)
                    setTextColor(if (selected) 0xFF1A73E8.toInt() else 0xFF444444.toInt())
                    if (selected) setTypeface(typeface, android.graphics.Typeface.BOLD)
                    isSelected = selected
                    isClickable = true
                    isFocusable = true
                    background = getDrawable(android.R.drawable.list_selector_background)
                    setOnClickListener { if (t == Tab.CASES) openCaseId = null; show(t) }
                },
                LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f),
            )
        }
        // After auto-sizing, every label takes the smallest size, so the bar reads evenly.
        tabs.post {
            val labels = (0 until tabs.childCount).map { tabs.getChildAt(it) as TextView }
            val size = labels.minOfOrNull { it.textSize } ?: return@post
            for (l in labels) {
                l.setAutoSizeTextTypeWithDefaults(TextView.AUTO_SIZE_TEXT_TYPE_NONE)
                l.setTextSize(android.util.TypedValue.COMPLEX_UNIT_PX, size)
            }
        }
    }

    fun say(text: CharSequence?) {
        status.text = text
        status.visibility = if (text.isNullOrEmpty()) View.GONE else View.VISIBLE
    }

    /** The language of exported reports ([Languages.report]). */
    val language: ReportLanguage
        get() = Languages.report(resources.configuration.locales[0])

    /** The language of core's texts on the screens: rule descriptions, legal sources ([Languages.ruleTexts]). */
    val textLanguage: String
        get() = Languages.ruleTexts(resources.configuration.locales[0])

    val hasTelephony: Boolean get() = packageManager.hasSystemFeature(PackageManager.FEATURE_TELEPHONY)

    /**
     * Runs [task] with the store on the background thread, then [show] on the main thread; its
     * text (if any) replaces the status line. A store that cannot open, a full disk or any other
     * error is shown, never thrown at the UI. A [quiet] task does not announce itself.
     */
    fun <T> work(task: (DunwatchStore) -> T, quiet: Boolean = false, show: (T) -> CharSequence?) {
        if (!quiet) say(getString(R.string.working))
        val app = applicationContext
        Stores.background.execute {
            val outcome: Result<T> = try {
                val store = try {
                    Stores.get(app)
                } catch (e: Exception) {
                    throw StoreUnavailable(e)
                }
                Result.success(task(store))
            } catch (e: Exception) {
                Result.failure(e)
            }
            runOnUiThread {
                if (isDestroyed) return@runOnUiThread
                outcome.fold(
                    onSuccess = { text ->
                        val shown = show(text)
                        if (shown != null) say(shown) else if (!quiet) say(null)
                    },
                    onFailure = {
                        android.util.Log.w("dunwatch", "store work failed", it)
                        say(describe(it))
                    },
                )
            }
        }
    }

    /**
     * A failure in the user's words: core's error kind (and, for the store, whether it opened)
     * chooses a string resource; core's own English message is never shown.
     */
    fun describe(e: Throwable): String = getString(
        when (Failure.of(e, storeOpening = e is StoreUnavailable)) {
            Failure.DISK_FULL -> R.string.disk_full
            Failure.STORE_UNAVAILABLE -> R.string.store_error
            Failure.STORE_TOO_NEW -> R.string.error_schema_too_new
            Failure.REFUSED -> R.string.error_refused
            Failure.NOT_FOUND -> R.string.error_not_found
            Failure.STORAGE -> R.string.error_storage
            Failure.CANCELLED -> R.string.error_cancelled
            Failure.OTHER -> R.string.error_internal
        },
    )

    /** A form's refusal in the user's words. */
    fun formProblem(p: FormProblem, arg: String): String = when (p) {
        FormProblem.NUMBER_MISSING -> getString(R.string.form_number_missing)
        FormProblem.CASE_MISSING -> getString(R.string.form_case_missing)
        FormProblem.CASE_TOO_LONG -> getString(R.string.form_case_too_long, arg.toIntOrNull() ?: 0)
        FormProblem.NOTE_MISSING -> getString(R.string.form_note_missing)
        FormProblem.TEXT_TOO_LONG -> getString(R.string.form_text_too_long, arg.toIntOrNull() ?: 0)
        FormProblem.BAD_TIME -> getString(R.string.form_bad_time)
        FormProblem.FUTURE_TIME -> getString(R.string.form_future_time)
        FormProblem.JURISDICTION_MISSING -> getString(R.string.form_jurisdiction_missing)
        FormProblem.ROLE_MISSING -> getString(R.string.form_role_missing)
        FormProblem.ZONE_MISSING -> getString(R.string.form_zone_missing)
        FormProblem.ZONE_UNKNOWN -> getString(R.string.form_zone_unknown, arg)
    }

    private class StoreUnavailable(cause: Exception) : Exception(cause)

    fun askPermissions() {
        val wanted = mutableListOf(Manifest.permission.RECEIVE_SMS, Manifest.permission.READ_SMS, Manifest.permission.READ_CALL_LOG)
        if (Build.VERSION.SDK_INT >= 33) wanted += "android.permission.POST_NOTIFICATIONS"
        requestPermissions(wanted.toTypedArray(), REQ_PERMISSIONS)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        if (requestCode != REQ_PERMISSIONS) return
        val recording = setOf(Manifest.permission.RECEIVE_SMS, Manifest.permission.READ_CALL_LOG)
        val denied = permissions.indices.any { permissions[it] in recording && grantResults.getOrNull(it) != PackageManager.PERMISSION_GRANTED }
        if (denied) say(getString(R.string.permissions_denied))
    }

    fun askScreeningRole() {
        val roles = getSystemService(android.app.role.RoleManager::class.java) ?: return
        val role = android.app.role.RoleManager.ROLE_CALL_SCREENING
        if (roles.isRoleAvailable(role) && !roles.isRoleHeld(role)) {
            startActivityForResult(roles.createRequestRoleIntent(role), REQ_ROLE)
        } else if (roles.isRoleHeld(role)) {
            say(getString(R.string.role_held))
        }
    }

    fun screeningRoleHeld(): Boolean =
        getSystemService(android.app.role.RoleManager::class.java)?.isRoleHeld(android.app.role.RoleManager.ROLE_CALL_SCREENING) == true

    private var onAttachment: ((android.net.Uri) -> Unit)? = null

    fun pickAttachment(then: (android.net.Uri) -> Unit) {
        onAttachment = then
        // The system picker: the app needs no storage permission and sees only what is picked.
        val pick = Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*")
        startActivityForResult(pick, REQ_ATTACH)
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        when (requestCode) {
            REQ_ROLE -> say(getString(if (resultCode == RESULT_OK) R.string.role_held else R.string.role_refused))
            REQ_ATTACH -> {
                val uri = data?.data
                if (resultCode == RESULT_OK && uri != null) (onAttachment ?: EvidenceScreen.attachTo(this)).invoke(uri)
            }
        }
    }

    companion object {
        const val REQ_PERMISSIONS = 1
        const val REQ_ROLE = 2
        const val REQ_ATTACH = 3
        private const val STATE_TAB = "tab"
        private const val STATE_CASE = "case"
        private const val STATE_FILTER = "timeline_case"
        private const val STATE_STATUS = "status"
    }

}

/** One screen: its view, built at once, and its data, loaded in the background. */
interface Screen {
    val view: View
    fun load()
}
