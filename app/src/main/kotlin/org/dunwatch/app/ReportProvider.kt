package org.dunwatch.app

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Context
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import org.dunwatch.app.logic.ReportNames
import java.io.File
import java.io.FileNotFoundException

/**
 * Serves exported reports, read-only, to the app the user shares one with (the URI permission
 * comes with the share intent). Only file names of [ReportNames]' shape in the reports directory
 * are served; nothing can be written or deleted through it.
 */
class ReportProvider : ContentProvider() {
    companion object {
        const val AUTHORITY = "org.dunwatch.reports"

        /** Where exports are written: app-private cache, cleared by the system when needed. */
        fun dir(context: Context): File = File(context.cacheDir, "reports").apply { mkdirs() }

        fun uriFor(file: File): Uri = Uri.Builder().scheme("content").authority(AUTHORITY).appendPath(file.name).build()
    }

    override fun onCreate(): Boolean = true

    private fun fileFor(uri: Uri): File {
        val name = uri.pathSegments.singleOrNull()
        if (name == null || !ReportNames.isServable(name)) throw FileNotFoundException("no such report: $uri")
        val file = File(dir(requireNotNull(context)), name)
        if (!file.isFile) throw FileNotFoundException("no such report: $uri")
        return file
    }

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        if (mode != "r") throw SecurityException("reports are read-only (mode $mode)")
        return ParcelFileDescriptor.open(fileFor(uri), ParcelFileDescriptor.MODE_READ_ONLY)
    }

    override fun getType(uri: Uri): String = ReportNames.mimeType(uri.lastPathSegment.orEmpty())

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor {
        val file = fileFor(uri)
        val cols = projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE)
        val values = cols.map { col ->
            when (col) {
                OpenableColumns.DISPLAY_NAME -> file.name
                OpenableColumns.SIZE -> file.length()
                else -> null
            }
        }
        return MatrixCursor(cols, 1).apply { addRow(values.toTypedArray()) }
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri? = throw UnsupportedOperationException("read-only")
    override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<out String>?): Int =
        throw UnsupportedOperationException("read-only")
    override fun delete(uri: Uri, selection: String?, args: Array<out String>?): Int = throw UnsupportedOperationException("read-only")
}
