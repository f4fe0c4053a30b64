package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import dev.forkpoint.learner.config.RunSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link RlRun} hands to a {@link StepObserver}: H_old at rollout, H and cov of the update's first epoch. */
class StepObserverTest {

    /** Records every call. */
    static class Recording implements StepObserver {
        final List<Integer> rolloutSteps = new ArrayList<>();
        final List<RolloutBatch> rollouts = new ArrayList<>();
        final List<RolloutBatch> updates = new ArrayList<>();
        final List<float[][]> entropies = new ArrayList<>();
        final List<float[][]> covariances = new ArrayList<>();
        int closed;

        @Override
        public void rollout(int step, RolloutBatch drawn, Tokenizer tokenizer) {
            rolloutSteps.add(step);
            rollouts.add(drawn);
        }

        @Override
        public void update(int step, RolloutBatch batch, float[][] h, float[][] cov, Tokenizer tokenizer) {
            updates.add(batch);
            entropies.add(h);
            covariances.add(cov);
        }

        @Override
        public void close() {
            closed++;
        }
    }

    /**
     * One mini-batch, two epochs: the first epoch scores every response with the rollout's own parameters, so its
     * H must equal H_old token by token (a misaligned slice or the second epoch's H would not), and cov / (olp - mean
     * olp) must be one constant (A_i - mean A) along each response (lp = olp there).
     */
    @Test
    void updateEntropyOfTheFirstEpochEqualsHOldAndCovarianceFactorsPerResponse() {
        RunSpec c = RlRunTest.config("{\"preset\": \"GRPO\"}", ", \"ppoEpochs\": 2, \"miniBatches\": 1");
        Recording rec = new Recording();
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            run.observe(rec);
            run.step();
            run.step();
        }
        assertEquals(List.of(1, 2), rec.rolloutSteps);
        assertEquals(1, rec.closed, "the run closes its observer");
        for (int s = 0; s < 2; s++) {
            RolloutBatch b = rec.updates.get(s);
            assertTrue(b == rec.rollouts.get(s) || b.size() <= rec.rollouts.get(s).size());
            float[][] h = rec.entropies.get(s);
            float[][] cov = rec.covariances.get(s);
            double sumOlp = 0;
            long n = 0;
            for (int i = 0; i < b.size(); i++) {
                assertNotNull(h[i], "response " + i);
                assertEquals(b.responseIds()[i].length, h[i].length);
                assertEquals(h[i].length, cov[i].length);
                for (int t = 0; t < h[i].length; t++) {
                    assertEquals(b.oldEntropies()[i][t], h[i][t], 2e-3, "step " + (s + 1) + " response " + i
                            + " token " + t);
                    sumOlp += b.oldLogProbs()[i][t];
                    n++;
                }
            }
            double meanOlp = sumOlp / n;
            int checked = 0;
            int nonZero = 0;
            for (int i = 0; i < b.size(); i++) {
                Double factor = null;
                for (int t = 0; t < h[i].length; t++) {
                    double d = b.oldLogProbs()[i][t] - meanOlp;
                    if (Math.abs(d) > 0.02) { // lp = olp up to ~1e-5 (cached vs full forward)
                        double f = cov[i][t] / d;
                        if (factor == null) {
                            factor = f;
                            nonZero += Math.abs(f) > 1e-3 ? 1 : 0;
                        } else {
                            assertEquals(factor, f, 2e-2 + 2e-2 * Math.abs(factor), "response " + i + " token " + t);
                            checked++;
                        }
                    }
                }
            }
            assertTrue(checked > 0, "no token checked");
            assertTrue(nonZero > 0, "every covariance factor is 0: the check would be trivial");
        }
    }

    @Test
    void anObserverFailureFailsTheStepWithItsReason() {
        RunSpec c = RlRunTest.config("{\"preset\": \"GRPO\"}", "");
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            run.observe(new Recording() {
                @Override
                public void update(int step, RolloutBatch batch, float[][] h, float[][] cov, Tokenizer t) {
                    throw new IllegalStateException("analytics sink down");
                }
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, run::step);
            assertEquals("analytics sink down", e.getMessage());
        }
    }

    @Test
    void withoutAnObserverTheStepIsUnchanged() {
        RunSpec c = RlRunTest.config("{\"preset\": \"GRPO\"}", "");
        double observed;
        double plain;
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            run.observe(new Recording());
            observed = run.step().metrics().get("actor/pg_loss");
        }
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            plain = run.step().metrics().get("actor/pg_loss");
        }
        assertArrayEquals(new double[] {plain}, new double[] {observed});
    }
}
