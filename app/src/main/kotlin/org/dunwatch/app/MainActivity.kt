package org.dunwatch.app

import android.Manifest
import android.app.Activity
import android.app.role.RoleManager
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Bundle
import android.provider.OpenableColumns
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.Spinner
import android.widget.TextView
import org.dunwatch.R
import org.dunwatch.app.logic.DisplayText
import org.dunwatch.app.logic.EvidenceForm
import org.dunwatch.app.logic.FileDigest
import org.dunwatch.app.logic.ReportNames
import org.dunwatch.app.logic.SettingsForm
import org.dunwatch.app.logic.TagForm
import org.dunwatch.core.DunwatchStore
import org.dunwatch.core.FlagQuery
import org.dunwatch.core.Moment
import org.dunwatch.core.ReportFormat
import java.io.File
import java.time.ZoneId

/**
 * The one screen: settings, cases and flags (rule, description, legal source), verify, export
 * and share. Store work runs on [Stores.background]; results come back on the main thread.
 */
class MainActivity : Activity() {
    private lateinit var jurisdiction: Spinner
    private lateinit var role: Spinner
    private lateinit var homeZone: EditText
    private lateinit var status: TextView
    private lateinit var cases: LinearLayout
    private lateinit var flags: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        jurisdiction = findViewById(R.id.jurisdiction)
        role = findViewById(R.id.role)
        homeZone = findViewById(R.id.home_zone)
        status = findViewById(R.id.status)
        cases = findViewById(R.id.cases)
        flags = findViewById(R.id.flags)
        findViewById<Button>(R.id.save_settings).setOnClickListener { saveSettings() }
        findViewById<Button>(R.id.grant_permissions).setOnClickListener {
            requestPermissions(arrayOf(Manifest.permission.RECEIVE_SMS, Manifest.permission.READ_SMS, Manifest.permission.READ_CALL_LOG), REQ_PERMISSIONS)
        }
        findViewById<Button>(R.id.tag).setOnClickListener { tagNumber() }
        findViewById<Button>(R.id.stop_request).setOnClickListener { recordEvidence(EvidenceForm.Kind.STOP_REQUEST) }
        findViewById<Button>(R.id.add_note).setOnClickListener { recordEvidence(EvidenceForm.Kind.NOTE) }
        findViewById<Button>(R.id.attach_file).setOnClickListener {
            // The system picker: the app needs no storage permission and sees only what is picked.
            val pick = Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*")
            startActivityForResult(pick, REQ_ATTACH)
        }
        findViewById<Button>(R.id.screening_role).setOnClickListener { askScreeningRole() }
        findViewById<Button>(R.id.sync_calls).setOnClickListener {
            work({
                val sms = SmsHistorySync.run(applicationContext)
                val calls = CallLogSync.run(applicationContext)
                sms to calls
            }) { (sms, calls) ->
                refreshLists()
                if (sms == null && calls == null) {
                    getString(R.string.grant_permissions)
                } else {
                    getString(R.string.synced, sms?.recorded ?: 0, calls?.recorded ?: 0, calls?.updated ?: 0)
                }
            }
        }
        findViewById<Button>(R.id.verify).setOnClickListener { work({ it.verify() }) { DisplayText.verify(it) } }
        findViewById<Button>(R.id.export).setOnClickListener { export() }
        CallLogJobService.schedule(applicationContext)
        loadSettings()
    }

    override fun onResume() {
        super.onResume()
        refreshLists()
    }

    private fun loadSettings() = work({ it.settings }, quiet = true) { s ->
        val (j, r) = SettingsForm.positions(s)
        jurisdiction.setSelection(j)
        role.setSelection(r)
        homeZone.setText(s.homeTz)
        if (packageManager.hasSystemFeature(PackageManager.FEATURE_TELEPHONY)) null else getString(R.string.no_telephony)
    }

    private fun saveSettings() {
        when (val parsed = SettingsForm.parse(jurisdiction.selectedItemPosition, role.selectedItemPosition, homeZone.text.toString())) {
            is SettingsForm.Result.Invalid -> status.text = parsed.message
            is SettingsForm.Result.Ok -> work({ it.changeSettings(parsed.settings) }) { summary ->
                refreshLists()
                getString(R.string.settings_saved, summary.flags, summary.events)
            }
        }
    }

    private fun tagNumber() {
        val number = findViewById<EditText>(R.id.tag_number).text.toString()
        val case = findViewById<EditText>(R.id.tag_case).text.toString()
        when (val input = TagForm.parse(number, case)) {
            is TagForm.Result.Invalid -> status.text = input.message
            is TagForm.Result.Ok -> work({ it.tagNumber(input.number, input.caseName) }) { info ->
                refreshLists()
                getString(R.string.tagged, info.number, info.caseName ?: input.caseName)
            }
        }
    }

    private fun recordEvidence(kind: EvidenceForm.Kind) {
        val case = findViewById<EditText>(R.id.evidence_case).text.toString()
        val text = findViewById<EditText>(R.id.evidence_text).text.toString()
        val time = findViewById<EditText>(R.id.evidence_time).text.toString()
        when (val input = EvidenceForm.parse(kind, case, text, time, ZoneId.systemDefault(), System.currentTimeMillis())) {
            is EvidenceForm.Result.Invalid -> status.text = input.message
            is EvidenceForm.Result.Ok -> work({ store ->
                when (kind) {
                    EvidenceForm.Kind.STOP_REQUEST -> store.recordStopRequest(input.caseName, input.text, input.at)
                    EvidenceForm.Kind.NOTE -> store.addNote(input.text, input.at, input.caseName)
                }
            }) {
                refreshLists()
                findViewById<EditText>(R.id.evidence_text).text.clear()
                val who = input.caseName ?: getString(R.string.everyone)
                when (kind) {
                    EvidenceForm.Kind.STOP_REQUEST -> getString(R.string.stop_recorded, who)
                    EvidenceForm.Kind.NOTE -> getString(R.string.note_recorded, who)
                }
            }
        }
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        val uri = data?.data
        if (requestCode != REQ_ATTACH || resultCode != RESULT_OK || uri == null) return
        val case = findViewById<EditText>(R.id.evidence_case).text.toString().trim().ifEmpty { null }
        val resolver = contentResolver
        work({ store ->
            val name = resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
                if (c.moveToFirst() && !c.isNull(0)) c.getString(0) else null
            }
            val digest = resolver.openInputStream(uri)?.use(FileDigest::of)
                ?: throw java.io.FileNotFoundException("cannot read $uri")
            val clean = FileDigest.cleanName(name)
            store.addAttachment(clean, digest.sha256Hex, digest.size, Moment.now(), case)
            Triple(clean, digest.size, digest.sha256Hex)
        }) { (name, size, sha) -> getString(R.string.attached, name, size, sha.take(16)) }
    }

    private fun askScreeningRole() {
        val roles = getSystemService(RoleManager::class.java) ?: return
        if (roles.isRoleAvailable(RoleManager.ROLE_CALL_SCREENING) && !roles.isRoleHeld(RoleManager.ROLE_CALL_SCREENING)) {
            startActivityForResult(roles.createRequestRoleIntent(RoleManager.ROLE_CALL_SCREENING), REQ_ROLE)
        }
    }

    private fun refreshLists() = work({ store -> store.cases() to store.flags(FlagQuery(limit = 500)) }, quiet = true) { (cs, fs) ->
        fill(cases, cs.map(DisplayText::case))
        fill(flags, fs.map(DisplayText::flag))
        null
    }

    private fun fill(list: LinearLayout, lines: List<String>) {
        list.removeAllViews()
        for (line in lines.ifEmpty { listOf(getString(R.string.none_yet)) }) {
            list.addView(
                TextView(this).apply {
                    text = line
                    setTextIsSelectable(true)
                    setPadding(0, 12, 0, 12)
                },
            )
        }
    }

    private fun export() {
        val zone = ZoneId.systemDefault()
        work({ store ->
            val dir = ReportProvider.dir(applicationContext)
            val name = ReportNames.unique(ReportNames.forExport(System.currentTimeMillis(), zone)) { File(dir, it).exists() }
            val file = File(dir, name)
            store.exportReport(file.path, ReportFormat.HTML)
            file
        }) { file ->
            val share = Intent(Intent.ACTION_SEND)
                .setType("text/html")
                .putExtra(Intent.EXTRA_STREAM, ReportProvider.uriFor(file))
                .putExtra(Intent.EXTRA_SUBJECT, file.name)
                .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
            startActivity(Intent.createChooser(share, getString(R.string.share_title)))
            getString(R.string.exported, file.name)
        }
    }

    /**
     * Runs [task] with the store on the background thread, then [show] on the main thread; its
     * text (if any) replaces the status line. Errors are shown, never thrown at the UI. A [quiet]
     * task (list refreshes) does not announce itself, so it never hides another task's message.
     */
    private fun <T> work(task: (DunwatchStore) -> T, quiet: Boolean = false, show: (T) -> String?) {
        if (!quiet) status.setText(R.string.working)
        val app = applicationContext
        Stores.background.execute {
            val outcome = try {
                Result.success(task(Stores.get(app)))
            } catch (e: Exception) {
                Result.failure(e)
            }
            runOnUiThread {
                if (isDestroyed) return@runOnUiThread
                outcome.fold(
                    onSuccess = { text -> show(text)?.let { status.text = it } },
                    onFailure = { status.text = getString(R.string.error, it.message ?: it.javaClass.simpleName) },
                )
                status.visibility = View.VISIBLE
            }
        }
    }

    private companion object {
        const val REQ_PERMISSIONS = 1
        const val REQ_ROLE = 2
        const val REQ_ATTACH = 3
    }
}
