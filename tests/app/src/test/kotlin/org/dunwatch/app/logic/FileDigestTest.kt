package org.dunwatch.app.logic

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.ByteArrayInputStream
import java.io.InputStream

class FileDigestTest {
    @Test
    fun `known SHA-256 vectors`() {
        assertEquals(
            FileDigest.Digest("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0),
            FileDigest.of(ByteArrayInputStream(ByteArray(0))),
        )
        assertEquals(
            FileDigest.Digest("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3),
            FileDigest.of(ByteArrayInputStream("abc".toByteArray())),
        )
    }

    @Test
    fun `a stream longer than the buffer and read in odd pieces hashes like one block`() {
        val data = ByteArray(200_003) { (it * 31 + 7).toByte() }
        val trickle = object : InputStream() {
            var pos = 0
            override fun read(): Int = if (pos < data.size) data[pos++].toInt() and 0xff else -1
            override fun read(b: ByteArray, off: Int, len: Int): Int {
                if (pos >= data.size) return -1
                val n = minOf(len, 1 + pos % 977, data.size - pos)
                System.arraycopy(data, pos, b, off, n)
                pos += n
                return n
            }
        }
        val expected = java.security.MessageDigest.getInstance("SHA-256").digest(data).joinToString("") { "%02x".format(it) }
        assertEquals(FileDigest.Digest(expected, data.size.toLong()), FileDigest.of(trickle))
    }

    @Test
    fun `names lose paths and control characters`() {
        assertEquals("call.m4a", FileDigest.cleanName("/storage/emulated/0/Recordings/call.m4a"))
        assertEquals("ab", FileDigest.cleanName("a\u0000\nb"))
        assertEquals("attachment", FileDigest.cleanName(null))
        assertEquals("attachment", FileDigest.cleanName("  "))
        assertEquals(200, FileDigest.cleanName("x".repeat(500)).length)
    }
}
