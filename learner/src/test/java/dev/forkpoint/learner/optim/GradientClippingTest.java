package dev.forkpoint.learner.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    // Gradients GW = {0.3, -0.6, 0, 1.5} and GB = {-0.4, 0.05}: norm = sqrt(0.09+0.36+2.25+0.16+0.0025).
    static final double NORM = Math.sqrt(2.8625);

    @Test
    void returnsThePreClipNormAndScalesGradientsToMaxNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = AdamWTest.params(m);
            AdamWTest.backward(m, p.get("w"), p.get("b"));
            assertEquals(NORM, GradientClipping.clipGlobalNorm(p, 1.0), 1e-6);
            double scale = 1.0 / (NORM + 1e-6);
            try (NDArray g = p.get("b").getGradient()) {
                assertArrayEquals(new float[] {(float) (-0.4 * scale), (float) (0.05 * scale)}, g.toFloatArray(), 1e-6f);
            }
            assertEquals(1.0, GradientClipping.clipGlobalNorm(p, 1.0), 1e-5, "norm after clipping is maxNorm");
        }
    }

    @Test
    void leavesSmallGradientsUntouched() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = AdamWTest.params(m);
            AdamWTest.backward(m, p.get("w"), p.get("b"));
            assertEquals(NORM, GradientClipping.clipGlobalNorm(p, 10.0), 1e-6);
            try (NDArray g = p.get("w").getGradient()) {
                assertArrayEquals(AdamWTest.GW, g.toFloatArray());
            }
            assertEquals("optim.maxGradNorm = 0.0: must be > 0",
                    assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipGlobalNorm(p, 0)).getMessage());
        }
    }
}
