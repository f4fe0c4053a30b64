package dev.forkpoint.rollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Comparing the gradients two copies of a model accumulated, parameter by parameter. */
public final class GradientChecks {

    private GradientChecks() {}

    /**
     * Every parameter of {@code want} has the same gradient in {@code got}, element by element within
     * {@code relative * max(max |want|, floor)} of that parameter.
     *
     * @return the largest |gradient| of {@code want} over all parameters (0 when every gradient is zero)
     */
    public static double assertSameGradients(Map<String, NDArray> want, Map<String, NDArray> got, double relative,
                                             double floor) {
        double largest = 0;
        for (Map.Entry<String, NDArray> e : want.entrySet()) {
            float[] w = e.getValue().getGradient().toFloatArray();
            float[] g = got.get(e.getKey()).getGradient().toFloatArray();
            largest = Math.max(largest, assertClose(w, g, relative, floor, "d loss / d " + e.getKey()));
        }
        return largest;
    }

    /** {@code got} within {@code relative * max(max |want|, floor)} of {@code want}; returns max |want|. */
    public static double assertClose(float[] want, float[] got, double relative, double floor, String what) {
        assertEquals(want.length, got.length, what + " length");
        double max = 0;
        for (float v : want) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = relative * Math.max(max, floor);
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                fail(what + "[" + i + "] = " + got[i] + ", plain path " + want[i] + " (tolerance " + tol + ")");
            }
        }
        return max;
    }
}
