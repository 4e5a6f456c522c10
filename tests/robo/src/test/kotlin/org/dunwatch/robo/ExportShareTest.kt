package org.dunwatch.robo

import android.content.Intent
import android.net.Uri
import org.dunwatch.R
import org.dunwatch.app.MainActivity
import org.dunwatch.app.Onboarding
import org.dunwatch.app.ReportProvider
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.GraphicsMode
import java.io.FileNotFoundException

/** Export buttons → the store writes the report → a share intent through the read-only provider. */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ExportShareTest : RoboBase() {
    private fun exportWith(label: Int): Intent {
        Onboarding.markDone(app)
        store.tagNumber("+8617012345678", "速借金融")
        store.recordSms("+8617012345678", "<script>alert(1)</script>再不还钱就上门", org.dunwatch.core.SmsDirection.INCOMING, org.dunwatch.core.Moment.now())
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        a.show(MainActivity.Tab.EXPORT)
        ComponentsTest.click(a, a.getString(label))
        settle()
        val chooser = shadowOf(a).nextStartedActivity ?: error("nothing was shared: ${ComponentsTest.texts(a.window.decorView)}")
        assertEquals(Intent.ACTION_CHOOSER, chooser.action)
        @Suppress("DEPRECATION")
        return chooser.getParcelableExtra(Intent.EXTRA_INTENT)!!
    }

    @Test
    fun htmlReportIsSharedThroughTheProvider() {
        val share = exportWith(R.string.export_html)
        assertEquals(Intent.ACTION_SEND, share.action)
        assertEquals("text/html", share.type)
        assertTrue(share.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION != 0)
        @Suppress("DEPRECATION")
        val uri = share.getParcelableExtra<Uri>(Intent.EXTRA_STREAM)!!
        assertEquals(ReportProvider.AUTHORITY, uri.authority)
        val html = app.contentResolver.openInputStream(uri)!!.use { it.readBytes().toString(Charsets.UTF_8) }
        assertTrue(html.contains("<html", ignoreCase = true))
        assertTrue("the SMS body is escaped", !html.contains("<script>alert(1)</script>"))
        assertEquals("text/html", app.contentResolver.getType(uri))
        // Nothing but a report's name is served.
        for (bad in listOf("../../no_backup/evidence.sqlite", "evidence.sqlite")) {
            try {
                app.contentResolver.openInputStream(Uri.parse("content://${ReportProvider.AUTHORITY}/" + Uri.encode(bad)))
                fail("served $bad")
            } catch (expected: FileNotFoundException) {
            }
        }
    }

    @Test
    fun theReportIsInTheLanguageOfTheScreens() {
        // A Taiwan locale with no script: Traditional screens, so a Traditional report.
        RuntimeEnvironment.setQualifiers("+zh-rTW")
        val share = exportWith(R.string.export_html)
        @Suppress("DEPRECATION")
        val uri = share.getParcelableExtra<Uri>(Intent.EXTRA_STREAM)!!
        val html = app.contentResolver.openInputStream(uri)!!.use { it.readBytes().toString(Charsets.UTF_8) }
        assertTrue(html.contains("<html lang=\"zh-Hant\">"))
        assertTrue(html.contains("<h1>催收行為證據報告</h1>"))
        assertTrue("no Simplified heading", !html.contains("催收行为证据报告"))
    }

    @Test
    fun theReportIsShownInAWebViewWithoutScriptsOrNetwork() {
        Onboarding.markDone(app)
        store.recordSms("+8617012345678", "<img src=x onerror=alert(1)>再不还钱就上门", org.dunwatch.core.SmsDirection.INCOMING, org.dunwatch.core.Moment.now())
        val a = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        a.show(MainActivity.Tab.EXPORT)
        ComponentsTest.click(a, a.getString(R.string.export_view))
        settle()
        val web = a.findViewById<android.webkit.WebView>(R.id.report_view) ?: error("no report view: ${ComponentsTest.texts(a.window.decorView)}")
        assertTrue(!web.settings.javaScriptEnabled)
        assertTrue(web.settings.blockNetworkLoads)
        val html = shadowOf(web).lastLoadDataWithBaseURL.data
        assertTrue(html.contains("<svg") || html.contains("<html", ignoreCase = true))
        assertTrue("the SMS body is escaped", !html.contains("<img src=x onerror"))
        ComponentsTest.click(a, a.getString(R.string.report_back))
        assertEquals(null, a.findViewById<android.webkit.WebView>(R.id.report_view))
    }

    @Test
    fun csvExportSharesBothSpreadsheets() {
        val share = exportWith(R.string.export_csv)
        assertEquals(Intent.ACTION_SEND_MULTIPLE, share.action)
        @Suppress("DEPRECATION")
        val uris = share.getParcelableArrayListExtra<Uri>(Intent.EXTRA_STREAM)!!
        assertEquals(2, uris.size)
        for (u in uris) {
            val text = app.contentResolver.openInputStream(u)!!.use { it.readBytes().toString(Charsets.UTF_8) }
            assertTrue(text.lines().size > 1)
            assertEquals("text/csv", app.contentResolver.getType(u))
        }
    }

    @Test
    fun jsonExportHoldsTheEvents() {
        val share = exportWith(R.string.export_json)
        @Suppress("DEPRECATION")
        val uri = share.getParcelableExtra<Uri>(Intent.EXTRA_STREAM)!!
        val json = org.json.JSONObject(app.contentResolver.openInputStream(uri)!!.use { it.readBytes().toString(Charsets.UTF_8) })
        assertEquals(1, json.getJSONArray("events").length())
    }
}
