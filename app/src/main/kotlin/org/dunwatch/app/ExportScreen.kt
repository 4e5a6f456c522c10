package org.dunwatch.app

import android.content.Intent
import android.net.Uri
import android.view.View
import org.dunwatch.R
import org.dunwatch.app.logic.ReportNames
import org.dunwatch.core.ReportFormat
import org.dunwatch.core.ReportLanguage
import java.io.File
import java.time.ZoneId

/** Export: the report as HTML, everything as JSON, spreadsheets as CSV, each shared through [ReportProvider]; verify; import history. */
class ExportScreen(private val host: MainActivity) : Screen {
    private val ui = host.ui

    override val view: View = ui.column().apply {
        addView(ui.title(host.getString(R.string.export_title)))
        addView(ui.body(host.getString(R.string.export_about)))
        addView(ui.button(host.getString(R.string.export_view)) { view() })
        addView(ui.button(host.getString(R.string.export_html)) { export(ReportFormat.HTML) })
        addView(ui.button(host.getString(R.string.export_json)) { export(ReportFormat.JSON) })
        addView(ui.button(host.getString(R.string.export_csv)) { export(ReportFormat.CSV) })
        addView(ui.button(host.getString(R.string.verify)) { verify() })
        addView(ui.button(host.getString(R.string.sync_calls)) { sync() })
    }

    override fun load() = Unit

    fun export(format: ReportFormat) {
        val zone = ZoneId.systemDefault()
        val app = host.applicationContext
        host.work({ store ->
            val dir = ReportProvider.dir(app)
            val name = ReportNames.unique(ReportNames.forExport(System.currentTimeMillis(), zone, format)) { File(dir, it).exists() }
            store.exportReport(File(dir, name).path, format, host.language).files.map(::File)
        }) { files ->
            val uris = ArrayList<Uri>(files.map(ReportProvider::uriFor))
            val share = if (uris.size == 1) {
                Intent(Intent.ACTION_SEND).putExtra(Intent.EXTRA_STREAM, uris[0])
            } else {
                Intent(Intent.ACTION_SEND_MULTIPLE).putParcelableArrayListExtra(Intent.EXTRA_STREAM, uris)
            }
            share.setType(ReportNames.mimeType(files[0].name))
                .putExtra(Intent.EXTRA_SUBJECT, files[0].name)
                .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
            host.startActivity(Intent.createChooser(share, host.getString(R.string.share_title)))
            host.getString(R.string.exported, files.joinToString(", ") { it.name })
        }
    }

    /** Writes the HTML report to the cache and shows it in the app. */
    private fun view() {
        val zone = ZoneId.systemDefault()
        val app = host.applicationContext
        host.work({ store ->
            val dir = ReportProvider.dir(app)
            val name = ReportNames.unique(ReportNames.forExport(System.currentTimeMillis(), zone)) { File(dir, it).exists() }
            val file = File(dir, name)
            store.exportReport(file.path, ReportFormat.HTML, host.language)
            file.readText()
        }) { html ->
            host.showReport(html)
            null
        }
    }

    private fun verify() = host.work({ it.verify() }) { r ->
        if (r.ok) {
            host.getString(R.string.verify_ok, r.chains.sumOf { it.rows }.toInt())
        } else {
            host.getString(R.string.verify_broken, r.broken?.chain ?: "?", (r.broken?.row ?: 0L).toInt())
        }
    }

    private fun sync() {
        val app = host.applicationContext
        host.work({ SmsHistorySync.run(app) to CallLogSync.run(app) }) { (sms, calls) ->
            if (sms == null && calls == null) {
                host.getString(R.string.no_permission_sync)
            } else {
                host.getString(R.string.synced, sms?.recorded ?: 0, calls?.recorded ?: 0, calls?.updated ?: 0)
            }
        }
    }
}
