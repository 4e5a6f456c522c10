package org.dunwatch.app

import android.content.Context

/** Whether the user has been through the first-run screen (private preferences). */
object Onboarding {
    private const val FILE = "onboarding"
    private const val DONE = "done"

    fun done(context: Context): Boolean = context.getSharedPreferences(FILE, Context.MODE_PRIVATE).getBoolean(DONE, false)

    fun markDone(context: Context) {
        context.getSharedPreferences(FILE, Context.MODE_PRIVATE).edit().putBoolean(DONE, true).apply()
    }
}
