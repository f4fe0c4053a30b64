package dev.forkpoint.rollout.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Widening is exact and narrowing rounds to nearest even, for both 16-bit formats. */
class HalfFloatsTest {

    @Test
    void everyBf16ValueSurvivesWideningAndNarrowing() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = HalfFloats.bf16ToFloat((short) bits);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f))));
                continue;
            }
            assertEquals(bits, HalfFloats.floatToBf16(f) & 0xFFFF, "bf16 bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void bf16RoundsToNearestTiesToEven() {
        float one = 1f;
        float ulp = 0x1p-7f; // bf16's spacing at 1
        assertEquals(one, bf16(1f + ulp / 2), "a tie rounds to the even neighbour (1.0)");
        assertEquals(1f + 2 * ulp, bf16(1f + 3 * ulp / 2), "a tie rounds to the even neighbour (1 + 2 ulp)");
        assertEquals(1f + ulp, bf16(1f + ulp / 2 + 0x1p-20f), "above the tie rounds up");
        assertEquals(1f, bf16(1f + ulp / 2 - 0x1p-20f), "below the tie rounds down");
        assertEquals(Float.POSITIVE_INFINITY, bf16(Float.MAX_VALUE), "overflow rounds to infinity");
        assertEquals(-0f, bf16(-0f));
        assertTrue(Float.isNaN(bf16(Float.NaN)));
    }

    @Test
    void everyF16ValueSurvivesWideningAndNarrowing() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = HalfFloats.f16ToFloat((short) bits);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(bits, HalfFloats.floatToF16(f) & 0xFFFF, "f16 bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void f16RoundsToNearestTiesToEven() {
        assertEquals(65504f, f16(65504f));
        assertEquals(65504f, f16(65519f), "just below the overflow threshold");
        assertEquals(Float.POSITIVE_INFINITY, f16(65520f));
        assertEquals(0x1p-24f, f16(0x1p-24f), "smallest subnormal");
        assertEquals(0f, f16(0x1p-25f), "half the smallest subnormal ties to even (0)");
        assertEquals(2 * 0x1p-24f, f16(1.5f * 0x1p-24f), "a subnormal tie rounds to even");
        assertEquals(2 * 0x1p-24f, f16(2.5f * 0x1p-24f), "a subnormal tie rounds to even");
        assertEquals(1f, f16(1f + 0x1p-11f), "a normal tie rounds to even");
        assertEquals(1f + 0x1p-9f, f16(1f + 3 * 0x1p-11f), "a normal tie rounds to even");
        assertEquals(0x1p-14f, f16(0x1p-14f - 0x1p-26f), "rounding up from the subnormals reaches the normals");
    }

    private static float bf16(float v) {
        return HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v));
    }

    private static float f16(float v) {
        return HalfFloats.f16ToFloat(HalfFloats.floatToF16(v));
    }
}
