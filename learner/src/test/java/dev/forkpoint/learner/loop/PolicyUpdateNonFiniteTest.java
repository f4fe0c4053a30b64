package dev.forkpoint.learner.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.learner.optim.OptimizerStep;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A non-finite loss skips the optimiser step (counted); five in a row fail the update instead of hiding it. */
class PolicyUpdateNonFiniteTest {

    @Test
    void nonFiniteLossIsSkippedAndCountedThenFailsAfterFiveInARow() {
        ModelConfig config = new ModelConfig(20, 1, 2, 8, 16, 2);
        RolloutBatch batch = DynamicSamplingTest.batch("x", true, false, true, false);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(config, 2, Device.cpu())) {
            // One NaN in the final LayerNorm's gain makes every log-probability NaN.
            Map<String, float[]> values = policy.parameterValues();
            float[] gamma = values.get("ln_f.gamma");
            gamma[0] = Float.NaN;
            policy.parameters().get("ln_f.gamma").set(gamma);
            float[] wteBefore = policy.parameters().get("wte").toFloatArray();
            PolicyObjective objective = new PolicyObjective(ObjectivePreset.DR_GRPO.config());
            double[] adv = objective.advantages(batch.scores(), batch.groups(), batch.responseLengths());
            try (AdamW opt = new AdamW(AdamW.Config.defaults(0.1), policy.parameters())) {
                PolicyUpdate update = new PolicyUpdate(policy, null, objective, opt, new UpdateSettings(1, 1, 1.0, 1),
                        0);
                for (int step = 1; step < OptimizerStep.MAX_CONSECUTIVE_NON_FINITE; step++) {
                    Map<String, Double> m = update.update(batch, adv, step, manager);
                    assertEquals(1.0, m.get(PolicyUpdate.NON_FINITE_SKIPPED));
                    assertTrue(!m.containsKey(PolicyUpdate.GRAD_NORM), "no optimiser step was taken");
                }
                assertEquals(0, opt.stepCount());
                assertArrayEquals(wteBefore, policy.parameters().get("wte").toFloatArray());
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> update.update(batch, adv, 5, manager));
                assertTrue(e.getMessage().contains("in a row"), e.getMessage());
            }
        }
    }
}
