package org.dunwatch.app.logic

import org.dunwatch.core.Flag

/**
 * Presentation of core's flags on the timeline: the words a flag matched (core puts them in the
 * flag's detail) and where they are in a message, to highlight them.
 */
object Highlights {
    /** Every `words` list anywhere in a flag's detail (content checks put the matched words there). */
    fun wordsOf(detail: Any?): List<String> = when (detail) {
        is Map<*, *> -> detail.entries.flatMap { (k, v) ->
            if (k == "words" && v is List<*>) v.filterIsInstance<String>() else wordsOf(v)
        }
        is List<*> -> detail.flatMap(::wordsOf)
        else -> emptyList()
    }

    /** The distinct words [flags] matched. */
    fun words(flags: List<Flag>): List<String> = flags.flatMap { wordsOf(it.detail) }.distinct()

    /** Character ranges of [words] in [text] (case-insensitive), for highlighting. */
    fun ranges(text: String, words: List<String>): List<IntRange> {
        val out = mutableListOf<IntRange>()
        for (w in words.filter { it.isNotBlank() }) {
            var i = text.indexOf(w, ignoreCase = true)
            while (i >= 0) {
                out += i until i + w.length
                i = text.indexOf(w, i + w.length, ignoreCase = true)
            }
        }
        return out.sortedBy { it.first }
    }
}
