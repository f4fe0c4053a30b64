package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.objective.PolicyObjective;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-step metrics on hand-made batches where each value is known (verl's definitions). */
class ObjectiveMetricsTest {

    @Test
    void clipFractionsPpoKlEntropyAndKlLoss() {
        // Group [1, 0] -> A = +0.7071 (row 0), -0.7071 (row 1); ratios chosen per token, eps 0.2, c = 3.
        float[][] r = {{1.0f, 1.5f, 0.5f, 1f}, {0.5f, 20f, 1.0f, 1f}};
        float[][] mask = {{1, 1, 1, 0}, {1, 1, 1, 0}};
        float[][] lp = new float[2][4];
        float[][] olp = new float[2][4];
        float[][] ref = new float[2][4];
        float[][] h = {{0.1f, 0.2f, 0.3f, 9f}, {0.4f, 0.5f, 0.6f, 9f}};
        double ppoKl = 0;
        double k1 = 0;
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 4; t++) {
                olp[i][t] = -1f;
                lp[i][t] = (float) (-1 + Math.log(r[i][t]));
                ref[i][t] = -1.2f;
                if (mask[i][t] == 1) {
                    ppoKl += (olp[i][t] - lp[i][t]) / 6.0;
                    k1 += (lp[i][t] - ref[i][t]) / 6.0;
                }
            }
        }
        PolicyObjective objective = new PolicyObjective(ObjectiveConfig.parse(
                Map.of("kl", Map.of("kind", "k1", "coef", 0.5))));
        ObjectiveRun run = ObjectiveRun.of(objective, lp, olp, ref, h, h, mask, new double[] {1, 0},
                new int[] {0, 0}, 1);
        Map<String, Double> m = run.result().metrics();
        assertEquals(2.0 / 6, m.get("actor/pg_clipfrac"), 1e-12, "(0,1) above 1.2 with A > 0; (1,0) below 0.8 with A < 0");
        assertEquals(1.0 / 6, m.get("actor/pg_clipfrac_lower"), 1e-12, "(1,1): r = 20 > c = 3 with A < 0");
        assertEquals(ppoKl, m.get("actor/ppo_kl"), 1e-6);
        assertEquals(2.1 / 6, m.get("actor/entropy"), 1e-6, "padding's H = 9 never enters");
        assertEquals(k1, m.get("actor/kl_loss"), 1e-6);
        assertEquals(m.get("actor/pg_loss") + 0.5 * k1, run.loss(), 1e-5);
        assertTrue(m.containsKey("cov/mean") && m.containsKey("cov/top_0.2pct"));
        assertFalse(m.containsKey("forking/selected_fraction"), "only active parts report");
    }

    @Test
    void forkingAndHapoMetrics() {
        float[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 1, 0}};
        float[][] h = {{0.5f, 2.0f, 0.1f, 0.3f, 0.2f, 50f}, {0.4f, 0.6f, 1.5f, 0.7f, 0.8f, 50f}};
        float[][] lp = new float[2][6];
        for (float[] row : lp) {
            java.util.Arrays.fill(row, -0.5f);
        }
        PolicyObjective objective = new PolicyObjective(ObjectiveConfig.parse(Map.of("preset", "HAPO",
                "forking", Map.of("rho", 0.2))));
        ObjectiveRun run = ObjectiveRun.of(objective, lp, lp, null, h, h, mask, new double[] {1, 0},
                new int[] {0, 0}, 1);
        Map<String, Double> m = run.result().metrics();
        assertEquals(0.2, m.get("forking/selected_fraction"), 1e-12);
        assertEquals(1.5, m.get("forking/threshold"), 1e-6, "the 2nd-highest valid H (padding's 50 is ignored)");
        assertEquals(0.2, m.get("hapo/h_hat_positive_fraction"), 1e-12, "pivot index floor(0.8*9 + 0.5) = 7");
        for (int idx = 0; idx < 12; idx++) {
            boolean selected = idx == 1 || idx == 8;
            assertEquals(selected, run.grad()[idx] != 0f, "gradient only on forking tokens, token " + idx);
        }
    }

    @Test
    void steerAndKlCovMetrics() {
        float[][] mask = {{1, 1, 1, 1}, {1, 1, 1, 0}};
        float[][] lp = {{-0.1f, -1f, -2f, -0.5f}, {-0.3f, -0.7f, -1.5f, 0f}};
        float[][] h = {{0.5f, 1f, 1.5f, 0.2f}, {0.3f, 0.9f, 1.2f, 0f}};
        PolicyObjective steer = new PolicyObjective(ObjectiveConfig.parse(Map.of("preset", "STEER")));
        ObjectiveRun s = ObjectiveRun.of(steer, lp, lp, null, h, h, mask, new double[] {1, 0}, new int[] {0, 0}, 1);
        double mean = s.result().metrics().get("steer/weight_mean");
        assertTrue(mean >= 0.8 && mean <= 1.2, "steer/weight_mean " + mean);
        PolicyObjective klCov = new PolicyObjective(ObjectiveConfig.parse(Map.of("preset", "KL_COV")));
        ObjectiveRun k = ObjectiveRun.of(klCov, lp, lp, null, h, h, mask, new double[] {1, 0}, new int[] {0, 0}, 1);
        assertEquals(1.0 / 7, k.result().metrics().get("kl_cov/selected_fraction"), 1e-12, "k = max(1, floor(2e-3 * 7))");
    }
}
