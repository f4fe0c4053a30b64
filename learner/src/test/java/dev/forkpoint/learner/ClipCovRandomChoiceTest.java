package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.objective.PolicyObjective;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Clip-Cov's random choice (docs/algorithms.md section 8): seeded, exactly {@code max(floor(ratio N), 1)} of the
 * candidates (all when fewer) lose their gradient, checked through DJL autograd; detached tokens stay in the
 * token-mean denominator; tokens already clipped are never candidates.
 */
class ClipCovRandomChoiceTest {

    private static final int ROWS = 5;
    private static final int COLS = 12;
    private static final int[] GROUPS = {0, 0, 0, 1, 1};
    private static final double[] REWARDS = {1, 0, 0.25, 1, 0}; // every advantage non-zero
    private static final int[] LENGTHS = {12, 9, 7, 12, 10};   // N = 50

    private final float[][] mask = new float[ROWS][COLS];
    private final float[][] lp = new float[ROWS][COLS];
    private final float[][] h = new float[ROWS][COLS];

    ClipCovRandomChoiceTest() {
        Random random = new Random(7);
        for (int i = 0; i < ROWS; i++) {
            for (int t = 0; t < LENGTHS[i]; t++) {
                mask[i][t] = 1;
                lp[i][t] = (float) (-0.1 - 2 * random.nextDouble());
                h[i][t] = (float) random.nextDouble();
            }
        }
    }

    private static PolicyObjective clipCov(double ratio, double lb, double ub) {
        return new PolicyObjective(ObjectiveConfig.parse(Map.of("preset", "CLIP_COV",
                "clipCov", Map.of("ratio", ratio, "lb", lb, "ub", ub))));
    }

    private ObjectiveRun run(PolicyObjective objective, float[][] olp, long seed) {
        return ObjectiveRun.of(objective, lp, olp, null, h, h, mask, REWARDS, GROUPS, seed);
    }

    /** Valid tokens whose gradient is exactly zero. */
    private Set<Integer> zeroGradient(ObjectiveRun run) {
        Set<Integer> zero = new TreeSet<>();
        for (int i = 0; i < ROWS; i++) {
            for (int t = 0; t < COLS; t++) {
                if (mask[i][t] == 1 && run.grad()[i * COLS + t] == 0f) {
                    zero.add(i * COLS + t);
                }
            }
        }
        return zero;
    }

    @Test
    void exactlyFloorRatioTimesNCandidatesLoseTheirGradientSeeded() {
        // r = 1 everywhere: nothing is clipped, and the wide window makes every valid token a candidate.
        PolicyObjective objective = clipCov(0.1, -1e9, 1e9);
        ObjectiveRun a = run(objective, lp, 11);
        Set<Integer> detached = zeroGradient(a);
        assertEquals(5, detached.size(), "floor(0.1 * 50) = 5 tokens detached");
        assertEquals(0.1, a.result().metrics().get("clip_cov/detached_fraction"), 1e-12);
        assertEquals(detached, zeroGradient(run(objective, lp, 11)), "the same seed picks the same tokens");
        boolean anyDifferent = false;
        for (long seed = 12; seed < 17; seed++) {
            Set<Integer> other = zeroGradient(run(objective, lp, seed));
            assertEquals(5, other.size());
            anyDifferent |= !other.equals(detached);
        }
        assertTrue(anyDifferent, "other seeds pick other tokens");

        // Detached tokens stay in the denominator: loss = sum over kept tokens of (-A r) / N with r = 1.
        double[] adv = objective.advantages(REWARDS, GROUPS, LENGTHS);
        double sum = 0;
        for (int i = 0; i < ROWS; i++) {
            for (int t = 0; t < LENGTHS[i]; t++) {
                if (!detached.contains(i * COLS + t)) {
                    sum += -adv[i];
                }
            }
        }
        assertEquals(sum / 50, a.loss(), 1e-5);
    }

    @Test
    void aTinyRatioStillDetachesOneToken() {
        assertEquals(1, zeroGradient(run(clipCov(1e-4, -1e9, 1e9), lp, 3)).size());
    }

    @Test
    void allCandidatesAreDetachedWhenFewerThanN() {
        PolicyObjective objective = clipCov(0.5, 0.05, 0.3); // n = 25
        double[] adv = objective.advantages(REWARDS, GROUPS, LENGTHS);
        double meanA = 0;
        double meanLp = 0;
        for (int i = 0; i < ROWS; i++) {
            for (int t = 0; t < LENGTHS[i]; t++) {
                meanA += adv[i] / 50;
                meanLp += lp[i][t] / 50.0;
            }
        }
        Set<Integer> candidates = new TreeSet<>();
        for (int i = 0; i < ROWS; i++) {
            for (int t = 0; t < LENGTHS[i]; t++) {
                double cov = (adv[i] - meanA) * (lp[i][t] - meanLp);
                if (cov > 0.05 && cov < 0.3) {
                    candidates.add(i * COLS + t);
                }
            }
        }
        assertTrue(candidates.size() > 1 && candidates.size() < 25, "fixture: " + candidates.size() + " candidates");
        assertEquals(candidates, zeroGradient(run(objective, lp, 5)));
    }

    @Test
    void clippedTokensAreNeverCandidates() {
        // Push every token of sequence 0 (A > 0) far above 1 + eps: L2 > L1 there, so none may be detached.
        float[][] olp = new float[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            olp[i] = lp[i].clone();
        }
        for (int t = 0; t < COLS; t++) {
            olp[0][t] = lp[0][t] - 2f;
        }
        ObjectiveRun r = run(clipCov(1.0, -1e9, 1e9), olp, 9);
        double[] kept = r.result().pieces().partWeights().get("clipCov");
        for (int t = 0; t < COLS; t++) {
            assertEquals(1.0, kept[t], "clipped token (0," + t + ") must keep weight 1");
        }
        int detached = 0;
        for (int idx = COLS; idx < ROWS * COLS; idx++) {
            if (mask[idx / COLS][idx % COLS] == 1 && kept[idx] == 0) {
                detached++;
            }
        }
        assertEquals(50 - 12, detached, "every unclipped valid token is a candidate and n = N");
        assertNotEquals(0.0, r.result().metrics().get("actor/pg_clipfrac"));
    }
}
