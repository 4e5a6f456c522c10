package org.dunwatch.app

import android.content.Context
import org.dunwatch.app.logic.ScreeningChoice

/** The screening choices in private preferences (the store holds evidence, not preferences). */
object ScreeningPrefs {
    private const val FILE = "screening"

    fun load(context: Context): ScreeningChoice {
        val p = context.getSharedPreferences(FILE, Context.MODE_PRIVATE)
        return ScreeningChoice.from { p.getString(it, null) }
    }

    fun save(context: Context, choice: ScreeningChoice) {
        val e = context.getSharedPreferences(FILE, Context.MODE_PRIVATE).edit()
        for ((k, v) in choice.toMap()) e.putString(k, v)
        e.apply()
    }
}
