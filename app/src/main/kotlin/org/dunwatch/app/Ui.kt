package org.dunwatch.app

import android.content.Context
import android.graphics.Typeface
import android.text.InputType
import android.util.TypedValue
import android.view.Gravity
import android.view.View
import android.view.ViewGroup
import android.widget.ArrayAdapter
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.Spinner
import android.widget.Switch
import android.widget.TextView
import org.dunwatch.R

/**
 * Small builders for the screens' framework views: Material look from the theme, sizes in dp,
 * touch targets at least 48dp, text from resources.
 */
class Ui(val context: Context) {
    fun dp(v: Int): Int = TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, v.toFloat(), context.resources.displayMetrics).toInt()

    fun column(): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        setPadding(dp(16), dp(8), dp(16), dp(16))
    }

    fun title(text: CharSequence): TextView = TextView(context).apply {
        this.text = text
        setTextAppearance(android.R.style.TextAppearance_Material_Title)
        setPadding(0, dp(16), 0, dp(4))
        isFocusable = false
        accessibilityHeading()
    }

    fun subtitle(text: CharSequence): TextView = TextView(context).apply {
        this.text = text
        setTextAppearance(android.R.style.TextAppearance_Material_Subhead)
        setTypeface(typeface, Typeface.BOLD)
        setPadding(0, dp(12), 0, dp(2))
        accessibilityHeading()
    }

    fun body(text: CharSequence): TextView = TextView(context).apply {
        this.text = text
        setTextAppearance(android.R.style.TextAppearance_Material_Body1)
        setPadding(0, dp(2), 0, dp(2))
    }

    fun small(text: CharSequence): TextView = TextView(context).apply {
        this.text = text
        setTextAppearance(android.R.style.TextAppearance_Material_Caption)
    }

    fun button(text: CharSequence, onClick: () -> Unit): Button = Button(context).apply {
        this.text = text
        minHeight = dp(48)
        minimumHeight = dp(48)
        isAllCaps = false
        setOnClickListener { onClick() }
    }

    /** A text field with a fixed id, so the framework keeps what was typed across re-creation. */
    fun field(id: Int, hint: CharSequence, multiLine: Boolean = false): EditText = EditText(context).apply {
        this.id = id
        this.hint = hint
        contentDescription = hint
        inputType = if (multiLine) InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE else InputType.TYPE_CLASS_TEXT
        // The view's own minimum, not TextView.minHeight: a single-line input type (set here or
        // later by a screen) replaces the text's minimum with one line.
        minimumHeight = dp(48)
    }

    fun spinner(id: Int, items: List<CharSequence>, label: CharSequence): Spinner = Spinner(context).apply {
        this.id = id
        minimumHeight = dp(48)
        contentDescription = label
        adapter = ArrayAdapter(context, android.R.layout.simple_spinner_dropdown_item, items)
    }

    fun switch(id: Int, text: CharSequence, checked: Boolean): Switch = Switch(context).apply {
        this.id = id
        this.text = text
        isChecked = checked
        minHeight = dp(48)
        gravity = Gravity.CENTER_VERTICAL
    }

    /** A bordered block (a card) for one collector, case or contact. */
    fun card(): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        setPadding(dp(12), dp(8), dp(12), dp(8))
        background = context.getDrawable(R.drawable.card)
        layoutParams = LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT)
            .apply { setMargins(0, dp(6), 0, dp(6)) }
    }

    private fun View.accessibilityHeading() {
        // API 28+: screen readers jump between headings.
        isAccessibilityHeading = true
    }
}
