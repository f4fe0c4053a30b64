package dev.forkpoint.learner.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.sampler.FinishReason;
import org.junit.jupiter.api.Test;

/**
 * Left-padded prompts and right-padded responses: the sliced log-probabilities and entropies of every row equal
 * those of the row scored alone without any padding, so the learner's lp lines up with the rollout's olp.
 */
class UpdateBatchTest {

    @Test
    void responseSliceMatchesEachRowScoredAlone() {
        ModelConfig config = new ModelConfig(20, 2, 2, 16, 32, 2);
        int[][] prompts = {{1, 5, 6, 7}, {1, 8}, {1, 9, 10}};
        int[][] responses = {{11, 12}, {13, 14, 15, 2}, {16}};
        int n = prompts.length;
        float[][] zeros = new float[n][];
        for (int i = 0; i < n; i++) {
            zeros[i] = new float[responses[i].length];
        }
        RolloutBatch batch = new RolloutBatch(prompts, responses, zeros, zeros, zeros, new int[] {0, 0, 1},
                new String[] {"a", "a", "b"}, new double[n], new boolean[n],
                new FinishReason[] {FinishReason.LENGTH, FinishReason.STOP, FinishReason.LENGTH});
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(config, 3, Device.cpu())) {
            UpdateBatch ub = UpdateBatch.of(batch, new int[] {0, 1, 2}, new double[] {1, 2, 3}, 0, manager);
            assertEquals(4, ub.promptWidth());
            assertEquals(4, ub.responseWidth());
            Policy.TokenScores s = policy.score(ub.tokens(), ub.keyMask());
            float[] lp = ub.responseSlice(s.logProbs()).toFloatArray();
            float[] h = ub.responseSlice(s.entropy()).toFloatArray();
            float[] mask = ub.responseMask().toFloatArray();
            for (int i = 0; i < n; i++) {
                int p = prompts[i].length;
                int r = responses[i].length;
                long[] alone = new long[p + r];
                for (int j = 0; j < p; j++) {
                    alone[j] = prompts[i][j];
                }
                for (int j = 0; j < r; j++) {
                    alone[p + j] = responses[i][j];
                }
                NDArray tokens = manager.create(alone, new Shape(1, p + r));
                Policy.TokenScores a = policy.score(tokens, manager.ones(new Shape(1, p + r),
                        ai.djl.ndarray.types.DataType.INT64));
                float[] lpAlone = a.logProbs().toFloatArray();
                float[] hAlone = a.entropy().toFloatArray();
                for (int j = 0; j < 4; j++) {
                    assertEquals(j < r ? 1f : 0f, mask[i * 4 + j]);
                    if (j < r) {
                        assertEquals(lpAlone[p - 1 + j], lp[i * 4 + j], 1e-5, "lp row " + i + " token " + j);
                        assertEquals(hAlone[p - 1 + j], h[i * 4 + j], 1e-5, "H row " + i + " token " + j);
                    }
                }
            }
            assertEquals(2.0, ub.advantages()[1]);
        }
    }
}
