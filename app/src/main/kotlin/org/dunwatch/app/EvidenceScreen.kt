package org.dunwatch.app

import android.net.Uri
import android.provider.OpenableColumns
import android.view.View
import org.dunwatch.R
import org.dunwatch.app.logic.EvidenceForm
import org.dunwatch.app.logic.FileDigest
import org.dunwatch.core.Moment
import java.time.ZoneId

/** Evidence: a note, a stop request, an opt-out (each with its time), an attachment's fingerprint. */
class EvidenceScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui
    private val case = ui.field(R.id.evidence_case, host.getString(R.string.evidence_case_hint))
    private val text = ui.field(R.id.evidence_text, host.getString(R.string.evidence_text_hint), multiLine = true)
    private val time = ui.field(R.id.evidence_time, host.getString(R.string.evidence_time_hint))

    override val view: View = ui.column().apply {
        addView(ui.title(host.getString(R.string.evidence_title)))
        addView(case)
        addView(text)
        addView(time)
        addView(ui.button(host.getString(R.string.stop_request)) { record(Kind.STOP) })
        addView(ui.button(host.getString(R.string.opt_out)) { record(Kind.OPT_OUT) })
        addView(ui.button(host.getString(R.string.add_note)) { record(Kind.NOTE) })
        addView(ui.button(host.getString(R.string.attach_file)) { host.pickAttachment(attachTo(host, case.text.toString())) })
        addView(ui.small(host.getString(R.string.attach_about)))
    }

    override fun load() = Unit

    private enum class Kind(val form: EvidenceForm.Kind) { STOP(EvidenceForm.Kind.STOP_REQUEST), OPT_OUT(EvidenceForm.Kind.STOP_REQUEST), NOTE(EvidenceForm.Kind.NOTE) }

    private fun record(kind: Kind) {
        val zone = ZoneId.systemDefault()
        when (val input = EvidenceForm.parse(kind.form, case.text.toString(), text.text.toString(), time.text.toString(), zone, System.currentTimeMillis(),
            host.getString(if (kind == Kind.OPT_OUT) R.string.opt_out else R.string.stop_default),
        )) {
            is EvidenceForm.Result.Invalid -> host.say(host.formProblem(input.problem, input.arg))
            is EvidenceForm.Result.Ok -> host.work({ store ->
                when (kind) {
                    Kind.STOP -> store.recordStopRequest(input.caseName, input.text, input.at)
                    Kind.OPT_OUT -> store.recordOptOut(input.caseName, input.text, input.at)
                    Kind.NOTE -> store.addNote(input.text, input.at, input.caseName)
                }
            }) {
                text.text.clear()
                val who = input.caseName ?: host.getString(R.string.everyone)
                host.getString(
                    when (kind) {
                        Kind.STOP -> R.string.stop_recorded
                        Kind.OPT_OUT -> R.string.optout_recorded
                        Kind.NOTE -> R.string.note_recorded
                    },
                    who,
                )
            }
        }
    }

    companion object {
        /**
         * Records the fingerprint of a picked file. A file that cannot be read records nothing
         * and says so; what is already stored is untouched.
         */
        fun attachTo(host: MainActivity, caseName: String = ""): (Uri) -> Unit = { uri ->
            val case = caseName.trim().ifEmpty { null }
            val resolver = host.contentResolver
            host.work({ store ->
                val name = runCatching {
                    resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
                        if (c.moveToFirst() && !c.isNull(0)) c.getString(0) else null
                    }
                }.getOrNull()
                val digest = try {
                    resolver.openInputStream(uri)?.use(FileDigest::of) ?: throw java.io.FileNotFoundException(uri.toString())
                } catch (e: Exception) {
                    return@work Result.failure<Triple<String, Long, String>>(e)
                }
                val clean = FileDigest.cleanName(name)
                store.addAttachment(clean, digest.sha256Hex, digest.size, Moment.now(), case)
                Result.success(Triple(clean, digest.size, digest.sha256Hex))
            }) { r ->
                r.fold(
                    onSuccess = { (n, size, sha) -> host.getString(R.string.attached, n, size, sha.take(16)) },
                    onFailure = { host.getString(R.string.attach_unreadable, it.message ?: it.javaClass.simpleName) },
                )
            }
        }
    }
}
