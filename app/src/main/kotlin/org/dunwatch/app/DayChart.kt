package org.dunwatch.app

import android.content.Context
import android.graphics.Canvas
import android.graphics.Paint
import android.view.View
import java.time.LocalDate

/**
 * Contacts per day as bars (one per day, oldest left). Its text equivalent is the content
 * description that the Case screen sets and also prints under the chart.
 */
class DayChart(context: Context) : View(context) {
    private var days: List<Pair<LocalDate, Int>> = emptyList()
    private val bar = Paint(Paint.ANTI_ALIAS_FLAG).apply { color = 0xFFD93025.toInt() }
    private val axis = Paint().apply { color = 0xFF999999.toInt(); strokeWidth = 2f }
    private val label = Paint(Paint.ANTI_ALIAS_FLAG).apply { color = 0xFF555555.toInt() }

    fun setDays(days: List<Pair<LocalDate, Int>>) {
        this.days = days
        invalidate()
    }

    override fun onMeasure(widthMeasureSpec: Int, heightMeasureSpec: Int) {
        val h = (140 * resources.displayMetrics.density).toInt()
        setMeasuredDimension(MeasureSpec.getSize(widthMeasureSpec), h)
    }

    override fun onDraw(canvas: Canvas) {
        super.onDraw(canvas)
        if (days.isEmpty()) return
        val d = resources.displayMetrics.density
        label.textSize = 11 * resources.displayMetrics.scaledDensity
        val bottom = height - label.textSize - 6 * d
        val top = label.textSize + 4 * d
        val max = days.maxOf { it.second }.coerceAtLeast(1)
        val step = width.toFloat() / days.size
        for ((i, day) in days.withIndex()) {
            val h = (bottom - top) * day.second / max
            canvas.drawRect(i * step + step * 0.15f, bottom - h, (i + 1) * step - step * 0.15f, bottom, bar)
        }
        canvas.drawLine(0f, bottom, width.toFloat(), bottom, axis)
        canvas.drawText(max.toString(), 0f, label.textSize, label)
        canvas.drawText(days.first().first.toString(), 0f, height.toFloat() - 2 * d, label)
        val last = days.last().first.toString()
        canvas.drawText(last, width - label.measureText(last), height.toFloat() - 2 * d, label)
    }
}
