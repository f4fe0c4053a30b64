package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkpoint.learner.advantage.AdvantageEstimator;
import dev.forkpoint.learner.advantage.AdvantageEstimators;
import org.junit.jupiter.api.Test;

/** Section 1 edge cases: single-response groups, unbiased std, TLGA weighting and its |A| >= 5 fallback. */
class AdvantageEstimatorTest {

    private final AdvantageEstimator grpo = AdvantageEstimators.REGISTRY.get("grpo");
    private final AdvantageEstimator tlga = AdvantageEstimators.REGISTRY.get("tlga");

    @Test
    void grpoSingleResponseGroupUsesMeanZeroStdOne() {
        double[] a = grpo.estimate(new double[] {0.7, 1, 0}, new int[] {5, 9, 9}, new int[] {3, 3, 3}, true);
        assertEquals(0.7 / (1 + 1e-6), a[0], 1e-15);
        double[] dr = grpo.estimate(new double[] {0.7}, new int[] {0}, new int[] {3}, false);
        assertEquals(0.7, dr[0], 0.0, "Dr. GRPO: R - 0");
    }

    @Test
    void grpoUsesTheUnbiasedStd() {
        // [1, 0, 0, 0]: mean 0.25, unbiased std 0.5 -> 1.5 and -0.5 (population std would give 1.732).
        double[] a = grpo.estimate(new double[] {1, 0, 0, 0}, new int[] {0, 0, 0, 0}, new int[] {1, 1, 1, 1}, true);
        assertArrayEquals(new double[] {0.75 / (0.5 + 1e-6), -0.25 / (0.5 + 1e-6), -0.25 / (0.5 + 1e-6),
                -0.25 / (0.5 + 1e-6)}, a, 1e-12);
        double[] dr = grpo.estimate(new double[] {1, 0, 0, 0}, new int[] {0, 0, 0, 0}, new int[] {1, 1, 1, 1}, false);
        assertArrayEquals(new double[] {0.75, -0.25, -0.25, -0.25}, dr, 1e-15);
    }

    @Test
    void tlgaWeightsByValidTokenCount() {
        // L = [1, 3]: mu = (1*1 + 3*0)/4 = 0.25, sigma = sqrt((0.5625 + 3 * 0.0625)/4) = sqrt(0.1875).
        double sigma = Math.sqrt(0.1875);
        double[] a = tlga.estimate(new double[] {1, 0}, new int[] {0, 0}, new int[] {1, 3}, true);
        assertArrayEquals(new double[] {0.75 / (sigma + 1e-6), -0.25 / (sigma + 1e-6)}, a, 1e-12);
    }

    @Test
    void tlgaFallsBackToGrpoWhenAnyAdvantageReachesFive() {
        // L = [1, 100]: mu = 1/101, sigma ~ 0.0990, A_0 ~ 10 >= 5 -> the whole group takes GRPO's values.
        double[] a = tlga.estimate(new double[] {1, 0, 1, 0}, new int[] {0, 0, 1, 1}, new int[] {1, 100, 2, 2}, true);
        double[] g = grpo.estimate(new double[] {1, 0}, new int[] {0, 0}, new int[] {1, 100}, true);
        assertEquals(g[0], a[0], 1e-15);
        assertEquals(g[1], a[1], 1e-15);
        // group 1 (equal lengths) stays TLGA: mu 0.5, population sigma 0.5 -> +-1.
        assertEquals(0.5 / (0.5 + 1e-6), a[2], 1e-12);
    }

    @Test
    void tlgaIgnoresResponsesWithoutValidTokensInTheFallbackTest() {
        // Response 0 has no valid token: weight 0, so mu = 0, sigma = 0 and A_0 = 1e6; it must not trigger
        // the fallback (GRPO would give responses 1 and 2 a non-zero advantage).
        double[] a = tlga.estimate(new double[] {1, 0, 0}, new int[] {0, 0, 0}, new int[] {0, 5, 5}, true);
        assertEquals(0.0, a[1], 0.0);
        assertEquals(0.0, a[2], 0.0);
    }
}
