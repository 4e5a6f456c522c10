package org.dunwatch.app

import android.app.Activity
import android.app.job.JobService
import android.content.BroadcastReceiver
import android.content.ContentProvider
import android.telecom.CallScreeningService
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.w3c.dom.Element
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/**
 * The manifest's promises: no network, the permissions the features need, and components that
 * only the system can reach, each naming a compiled class of the right framework type.
 */
class ManifestTest {
    private val ns = "http://schemas.android.com/apk/res/android"
    private val doc = DocumentBuilderFactory.newInstance().apply { isNamespaceAware = true }
        .newDocumentBuilder().parse(File(System.getProperty("dunwatch.manifest")))

    private fun elements(tag: String): List<Element> =
        doc.getElementsByTagName(tag).let { nl -> (0 until nl.length).map { nl.item(it) as Element } }

    private fun Element.a(name: String): String = getAttributeNS(ns, name)

    private fun component(tag: String, cls: String): Element =
        elements(tag).singleOrNull { it.a("name") == cls } ?: throw AssertionError("no <$tag> $cls in the manifest")

    private fun actions(e: Element): List<String> =
        e.getElementsByTagName("action").let { nl -> (0 until nl.length).map { (nl.item(it) as Element).a("name") } }

    @Test
    fun `no network permission, and exactly the permissions the features use`() {
        val perms = elements("uses-permission").map { it.a("name") } + elements("uses-permission-sdk-23").map { it.a("name") }
        assertFalse("android.permission.INTERNET" in perms, "the app must not be able to reach the network")
        assertFalse(perms.any { it.contains("NETWORK_STATE") || it.contains("WIFI") })
        assertEquals(
            setOf(
                "android.permission.RECEIVE_SMS", "android.permission.READ_SMS", "android.permission.READ_CALL_LOG",
                "android.permission.POST_NOTIFICATIONS",
            ),
            perms.toSet(),
        )
    }

    @Test
    fun `evidence stays out of cloud backups`() {
        assertEquals("false", elements("application").single().a("allowBackup"))
    }

    @Test
    fun `the screening service is bound by the system only`() {
        val s = component("service", "org.dunwatch.app.DunwatchScreeningService")
        assertEquals("android.permission.BIND_SCREENING_SERVICE", s.a("permission"))
        assertEquals(listOf("android.telecom.CallScreeningService"), actions(s))
        assertEquals("true", s.a("exported"))
        assertTrue(CallScreeningService::class.java.isAssignableFrom(load(s)))
    }

    @Test
    fun `the SMS receiver takes broadcasts from the system only`() {
        val r = component("receiver", "org.dunwatch.app.SmsReceiver")
        assertEquals("android.permission.BROADCAST_SMS", r.a("permission"))
        assertEquals(listOf("android.provider.Telephony.SMS_RECEIVED"), actions(r))
        assertTrue(BroadcastReceiver::class.java.isAssignableFrom(load(r)))
    }

    @Test
    fun `the report provider is private and grants per share`() {
        val p = component("provider", "org.dunwatch.app.ReportProvider")
        assertEquals("false", p.a("exported"))
        assertEquals("true", p.a("grantUriPermissions"))
        assertEquals(ReportProvider.AUTHORITY, p.a("authorities"))
        assertTrue(ContentProvider::class.java.isAssignableFrom(load(p)))
    }

    @Test
    fun `the launcher activity and the job service exist`() {
        val a = component("activity", "org.dunwatch.app.MainActivity")
        assertTrue("android.intent.action.MAIN" in actions(a))
        assertTrue(Activity::class.java.isAssignableFrom(load(a)))
        val j = component("service", "org.dunwatch.app.CallLogJobService")
        assertEquals("android.permission.BIND_JOB_SERVICE", j.a("permission"))
        assertEquals("false", j.a("exported"))
        assertTrue(JobService::class.java.isAssignableFrom(load(j)))
    }

    @Test
    fun `every component names a compiled class`() {
        for (tag in listOf("activity", "service", "receiver", "provider")) for (e in elements(tag)) load(e)
    }

    /** The component's class, without initialising it (Android's runtime is not here). */
    private fun load(e: Element): Class<*> = Class.forName(e.a("name"), false, javaClass.classLoader)
}
