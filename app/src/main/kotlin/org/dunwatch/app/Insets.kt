package org.dunwatch.app

import android.view.View

/**
 * Edge to edge (enforced from targetSdk 35): the content is laid out under the system bars, so
 * the root view pads itself by their insets; the bottom bar stays above the navigation bar.
 */
object Insets {
    fun apply(root: View) {
        root.setOnApplyWindowInsetsListener { v, insets ->
            @Suppress("DEPRECATION")
            v.setPadding(insets.systemWindowInsetLeft, 0, insets.systemWindowInsetRight, insets.systemWindowInsetBottom)
            insets
        }
    }
}
