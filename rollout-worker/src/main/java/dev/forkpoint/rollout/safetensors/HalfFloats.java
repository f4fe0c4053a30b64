package dev.forkpoint.rollout.safetensors;

/**
 * Conversions between float32 and the two 16-bit float formats, written in Java because DJL's PyTorch engine
 * aborts the JVM on any BF16 array. Widening is exact; narrowing rounds to nearest, ties to even, as PyTorch's
 * {@code .to(torch.bfloat16)} and {@code .half()} do.
 */
public final class HalfFloats {

    private HalfFloats() {
    }

    /** bfloat16 bits to float32: the same sign, exponent and top 7 mantissa bits, exactly. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float32 to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN, infinities stay infinite. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040); // keep the sign, force a quiet NaN
        }
        int lsb = (bits >>> 16) & 1;
        int rounded = bits + 0x7FFF + lsb;
        return (short) (rounded >>> 16);
    }

    /** IEEE half-precision bits to float32, exactly (subnormals, infinities and NaN included). */
    public static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal: mant * 2^-24
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** float32 to IEEE half-precision bits, round to nearest even; overflow becomes infinity. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(value)) {
            return (short) (sign | 0x7E00);
        }
        float abs = Math.abs(value);
        if (abs >= 65520f) { // rounds to infinity in half precision
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x1p-14f) { // subnormal or zero: a multiple of 2^-24, rounded to nearest even
            int m = Math.round(abs * 0x1p24f);
            if (Math.abs(abs * 0x1p24f - Math.floor(abs * 0x1p24f) - 0.5f) == 0f && (m & 1) == 1) {
                m--; // Math.round rounds half up; ties go to even
            }
            return (short) (sign | m);
        }
        int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mant = bits & 0x7FFFFF;
        int half = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, which is the correct rounding
        }
        return (short) (sign | half);
    }
}
