package org.dunwatch.robo

import android.os.Build
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.annotation.GraphicsMode

/** The sandbox runs the SDK this surefire execution is for (29, then 36). */
@RunWith(DunwatchRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class SdkTest : RoboBase() {
    @Test
    fun theSandboxRunsTheExpectedSdk() {
        assertEquals(Integer.getInteger("dunwatch.expected.sdk"), Build.VERSION.SDK_INT)
    }
}
