package org.dunwatch.core

/** Helpers for text that the native library refuses. */
object Text {
    /**
     * The library refuses strings with unpaired UTF-16 surrogates (evidence is stored as given or
     * not at all). A caller that would rather keep a visibly repaired copy than lose a message
     * passes it through this first: each unpaired surrogate becomes U+FFFD.
     */
    fun replaceUnpairedSurrogates(s: String): String {
        val out = StringBuilder(s.length)
        var i = 0
        while (i < s.length) {
            val c = s[i]
            when {
                c.isHighSurrogate() && i + 1 < s.length && s[i + 1].isLowSurrogate() -> {
                    out.append(c).append(s[i + 1]); i += 2; continue
                }
                c.isSurrogate() -> out.append('\uFFFD')
                else -> out.append(c)
            }
            i++
        }
        return out.toString()
    }

    /** True if [s] has an unpaired surrogate, i.e. the library would refuse it. */
    fun hasUnpairedSurrogate(s: String): Boolean = replaceUnpairedSurrogates(s) != s
}
