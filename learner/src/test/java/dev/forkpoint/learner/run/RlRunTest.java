package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI smoke runs of the whole RL step on a tiny model (1 layer, d 16) on the CPU: a few steps each, seconds.
 */
class RlRunTest {

    /** A tiny run: 2 prompts x 4 responses of at most 12 tokens, one mini-batch. */
    static RunSpec config(String objective, String training) {
        return RunSpec.parse(ConfigDocuments.parseJson("""
                {"name": "test", "seed": 7, "device": "cpu",
                 "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
                 "task": {"name": "countdown"},
                 "objective": %s,
                 "sampling": {"maxNewTokens": 12},
                 "training": {"steps": 4, "promptsPerStep": 2, "groupSize": 4, "learningRate": 0.01,
                              "evalEvery": 0, "evalSize": 4 %s}}
                """.formatted(objective, training)));
    }

    @Test
    void forkingSmokeRunHasFiniteLossChangesParametersAndSelectsRhoOfTheTokens() {
        RunSpec c = config("{\"preset\": \"FORKING\", \"dynamicSampling\": null}", "");
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            Map<String, float[]> before = run.policy().parameterValues();
            for (int s = 1; s <= 3; s++) {
                StepReport step = run.step();
                assertEquals(s, step.step());
                Map<String, Double> m = step.metrics();
                assertTrue(Double.isFinite(m.get("actor/loss")), "loss " + m.get("actor/loss"));
                assertTrue(Double.isFinite(m.get("actor/pg_loss")));
                assertTrue(m.get("actor/grad_norm") >= 0);
                // One mini-batch: N = every response token of the step (2 prompts x 4 responses).
                double n = m.get("response_length/mean") * 8;
                double selected = m.get("forking/selected_fraction") * n;
                assertTrue(Math.abs(selected - 0.2 * n) <= 1.0, "selected " + selected + " of " + n);
                assertTrue(m.containsKey("forking/threshold"));
                assertTrue(step.tokensSampled() > 0);
            }
            Map<String, float[]> after = run.policy().parameterValues();
            long changed = before.keySet().stream().filter(k -> !Arrays.equals(before.get(k), after.get(k))).count();
            assertTrue(changed > 0, "no parameter changed");
        }
    }

    @Test
    void resumedRunRepeatsTheUninterruptedSteps(@TempDir Path dir) {
        // HAPO (adaptive temperature statistics carry over), a KL term (reference policy rebuilt), two
        // mini-batches (shuffle) and a warm-up (AdamW step count).
        RunSpec c = config("{\"preset\": \"HAPO\", \"kl\": {\"kind\": \"k3\", \"coef\": 0.01}}",
                ", \"miniBatches\": 2, \"warmupSteps\": 2");
        int total = 4;
        int split = 2;
        List<Map<String, Double>> uninterrupted = new ArrayList<>();
        Map<String, float[]> finalA;
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            for (int s = 0; s < total; s++) {
                uninterrupted.add(comparable(run.step()));
            }
            finalA = run.policy().parameterValues();
        }
        List<Map<String, Double>> resumed = new ArrayList<>();
        Path file = dir.resolve("step-2.fpckpt");
        try (RlRun first = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            for (int s = 0; s < split; s++) {
                resumed.add(comparable(first.step()));
            }
            first.save(file);
        }
        Map<String, float[]> finalB;
        try (RlRun second = RlRun.resume(c, ScriptedTask.containsLowDigit(), file)) {
            assertEquals(split, second.completedSteps());
            for (int s = split; s < total; s++) {
                resumed.add(comparable(second.step()));
            }
            assertTrue(second.finished());
            finalB = second.policy().parameterValues();
        }
        for (int s = 0; s < total; s++) {
            assertEquals(uninterrupted.get(s), resumed.get(s), "step " + (s + 1));
        }
        try (RlRun fresh = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            Map<String, float[]> initial = fresh.policy().parameterValues();
            assertTrue(initial.keySet().stream().anyMatch(k -> !Arrays.equals(initial.get(k), finalA.get(k))),
                    "the run must have trained for the comparison to mean anything");
        }
        for (String k : finalA.keySet()) {
            assertTrue(Arrays.equals(finalA.get(k), finalB.get(k)), "parameter " + k + " differs after resume");
        }
        assertTrue(uninterrupted.get(2).get("hapo/temperature_mean") != 1.0,
                "adaptive temperature should have moved T away from T_base after step 1");
    }

    /** Every metric but wall-clock timings, plus the step's headline numbers. */
    private static Map<String, Double> comparable(StepReport step) {
        Map<String, Double> m = new TreeMap<>(step.metrics());
        m.keySet().removeIf(k -> k.startsWith("timing/"));
        m.put("step", (double) step.step());
        m.put("reward", step.reward());
        m.put("entropy", step.entropy());
        m.put("tokensSampled", (double) step.tokensSampled());
        return m;
    }

    @Test
    void dynamicSamplingStopsAtTheBoundWhenEveryGroupIsFiltered() {
        RunSpec c = config("{\"preset\": \"DAPO\"}", ", \"maxGenBatches\": 3");
        try (RlRun run = RlRun.open(c, ScriptedTask.neverCorrect())) {
            Map<String, float[]> before = run.policy().parameterValues();
            StepReport step = run.step();
            assertEquals(3.0, step.metrics().get("dynamic_sampling/gen_batches"));
            assertEquals(0.0, step.metrics().get("dynamic_sampling/kept_groups"));
            assertEquals(1.0, step.metrics().get("dynamic_sampling/update_skipped"));
            assertEquals(3 * 2, run.dataCursor(), "each generation batch consumes promptsPerStep problems");
            assertEquals(3 * 2 * 4 * 12, step.tokensSampled(), 3 * 2 * 4 * 12, "sampled all three batches");
            Map<String, float[]> after = run.policy().parameterValues();
            assertTrue(before.keySet().stream().allMatch(k -> Arrays.equals(before.get(k), after.get(k))),
                    "no group survived, so nothing was updated");
            assertEquals(2, run.step().step(), "the next step runs normally");
        }
    }

    @Test
    void dapoOverlongShapingIsApplied() {
        // Lbuf = Lmax = 12 and factor 1: R = score - len / 12 for every response; the verifier always says 0.
        RunSpec c = config("""
                {"preset": "DAPO", "dynamicSampling": null,
                 "overlong": {"maxResponseLength": 12, "overlongBuffer": 12, "penaltyFactor": 1.0}}""", "");
        try (RlRun run = RlRun.open(c, ScriptedTask.neverCorrect())) {
            Map<String, Double> m = run.step().metrics();
            assertEquals(0.0, m.get("critic/score/mean"));
            assertEquals(-m.get("response_length/mean") / 12.0, m.get("critic/rewards/mean"), 1e-12);
            assertTrue(m.get("critic/rewards/mean") < 0);
        }
    }

    @Test
    void referenceKlIsZeroAtStepOneAndPositiveAfterAnUpdate() {
        RunSpec c = config("{\"preset\": \"GRPO\"}", "");
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            Map<String, Double> first = run.step().metrics();
            assertNotNull(first.get("actor/kl_loss"), "GRPO has a k3 KL term");
            assertEquals(0.0, first.get("actor/kl_loss"), 1e-7, "policy == reference at step 1");
            assertEquals(0.0, first.get("actor/ppo_kl"), 1e-6, "lp == olp before the first update");
            Map<String, Double> second = run.step().metrics();
            assertTrue(second.get("actor/kl_loss") > 0, "the policy moved away from the reference: "
                    + second.get("actor/kl_loss"));
        }
    }

    /** training.lrSchedule reaches the optimiser: one update per step, cosine over the run's 4 updates. */
    @Test
    void cosineScheduleDecaysTheLearningRateOverTheRun() {
        RunSpec c = config("{\"preset\": \"DR_GRPO\"}", ", \"lrSchedule\": \"cosine\", \"minLrRatio\": 0.1");
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            for (int s = 1; s <= 4; s++) {
                double progress = (s - 1) / 4.0;
                double expected = 0.01 * (0.1 + 0.9 * (1 + Math.cos(Math.PI * progress)) / 2);
                assertEquals(expected, run.step().metrics().get("actor/lr"), 1e-12, "step " + s);
            }
        }
    }

    @Test
    void evaluationIsGreedyAndRepeatable() {
        RunSpec c = config("{\"preset\": \"GRPO\"}", "");
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            double a = run.evaluate().accuracy();
            double b = run.evaluate().accuracy();
            assertEquals(a, b);
            assertFalse(Double.isNaN(a));
            assertEquals(a, run.lastEvalAccuracy());
        }
    }

    /**
     * The loop's sign and wiring end to end: rewarded for containing a digit 0-4, a tiny policy raises its rollout
     * accuracy within a few steps (a flipped advantage or loss sign would lower it).
     */
    @Test
    void theRewardedBehaviourBecomesMoreFrequent() {
        RunSpec c = RunSpec.parse(ConfigDocuments.parseJson("""
                {"seed": 11, "device": "cpu",
                 "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
                 "objective": {"preset": "DR_GRPO"}, "sampling": {"maxNewTokens": 6},
                 "training": {"steps": 12, "promptsPerStep": 4, "groupSize": 8, "learningRate": 0.03,
                              "evalEvery": 0}}"""));
        double first = 0;
        double last = 0;
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            for (int s = 1; s <= 12; s++) {
                double accuracy = run.step().accuracy();
                if (s <= 3) {
                    first += accuracy / 3;
                } else if (s >= 10) {
                    last += accuracy / 3;
                }
            }
        }
        assertTrue(last > first + 0.2, "accuracy " + first + " -> " + last);
    }
}
