package org.dunwatch.app.logic

import java.io.InputStream
import java.security.MessageDigest

/**
 * The SHA-256 and size of a file the user attaches (a call recording, a photo of a letter),
 * read as a stream so a long recording is never held in memory. The store keeps only the hash:
 * the file stays where it is, and the hash later proves it was not changed.
 */
object FileDigest {
    data class Digest(val sha256Hex: String, val size: Long)

    fun of(input: InputStream): Digest {
        val md = MessageDigest.getInstance("SHA-256")
        val buf = ByteArray(64 * 1024)
        var size = 0L
        while (true) {
            val n = input.read(buf)
            if (n < 0) break
            md.update(buf, 0, n)
            size += n
        }
        return Digest(md.digest().joinToString("") { "%02x".format(it) }, size)
    }

    /** A display name safe to store: no path, no control characters, not empty, not huge. */
    fun cleanName(name: String?): String {
        val base = name.orEmpty().substringAfterLast('/').filterNot { it.isISOControl() }.trim()
        return base.take(200).ifEmpty { "attachment" }
    }
}
