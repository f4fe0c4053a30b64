package dev.forkpoint.rollout.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.policy.Policy;

/** The sampler's leak check, shared by the bigram and the transformer policy tests. */
final class LiveArrays {

    private LiveArrays() {
    }

    /**
     * Runs {@code config.maxNewTokens()} decoding steps (no stop tokens, so every step runs) and asserts that the
     * number of arrays live in {@code manager} is the same after every step, and back to where it started once
     * the decoding is closed.
     */
    static void assertFlatOverEveryStep(Policy policy, int[][] prompts, SamplingConfig config,
                                        TemperatureRule temperature, NDManager manager) {
        int steps = config.maxNewTokens();
        int before = manager.getManagedArrays().size();
        int[] counts = new int[steps];
        try (Decoding d = new BatchSampler(policy).start(prompts, config, temperature, manager)) {
            for (int s = 0; s < steps; s++) {
                d.step();
                counts[s] = manager.getManagedArrays().size();
            }
            assertTrue(d.isFinished());
        }
        for (int s = 1; s < steps; s++) {
            assertEquals(counts[0], counts[s], "live arrays after step " + (s + 1) + " vs after step 1");
        }
        assertEquals(before, manager.getManagedArrays().size(), "live arrays after closing the decoding");
    }
}
