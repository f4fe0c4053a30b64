package dev.forkpoint.rollout.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sampler at {@link RolloutWorker#GREEDY_TOP_P} is greedy decoding: what every evaluation (warm start's
 * {@code GreedyEvaluation}, an RL run's held-out accuracy) uses.
 */
class GreedyModeTest {

    static final BuiltinTokenizer TOK = new BuiltinTokenizer();
    static final ModelConfig CONFIG = new ModelConfig(TOK.vocabSize(), 1, 2, 32, 24, 4);

    private static SamplingConfig greedy(int maxNewTokens, long seed) {
        return SamplingConfig.of(maxNewTokens, TOK.eosId(), TOK.padId(), seed).withTopP(RolloutWorker.GREEDY_TOP_P);
    }

    /**
     * Batched, left-padded, cached greedy decoding picks at every step the argmax of a full recomputation of
     * that row alone (unpadded, no cache), within 1e-4 of the maximum logit (the cache-vs-recompute tolerance),
     * whatever the sampling seed.
     */
    @Test
    void everyTokenIsTheArgmaxOfAFullForwardOfItsPrefix() {
        int[][] prompts = {{1, 20, 21, 22}, {1, 30}, {1, 40, 41, 42, 43, 44, 45}};
        try (DecoderTransformer model = DecoderTransformer.initialize(CONFIG, 11, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            BatchSampler sampler = new BatchSampler(model);
            int[][] out = sampler.generate(prompts, greedy(10, 1), new FixedTemperature(1.0), m).tokens();
            int[][] again = sampler.generate(prompts, greedy(10, 99), new FixedTemperature(1.0), m).tokens();
            for (int r = 0; r < prompts.length; r++) {
                assertArrayEquals(out[r], again[r], "row " + r + " depends on the seed");
                assertTrue(out[r].length > 0, "row " + r + " generated nothing");
                int[] seq = prompts[r];
                for (int k = 0; k < out[r].length; k++) {
                    float[] last = lastLogits(model, m, seq);
                    float max = Float.NEGATIVE_INFINITY;
                    for (float x : last) {
                        max = Math.max(max, x);
                    }
                    assertEquals(max, last[out[r][k]], 1e-4, "row " + r + " step " + k + " is not the argmax");
                    seq = Arrays.copyOf(seq, seq.length + 1);
                    seq[seq.length - 1] = out[r][k];
                }
            }
        }
    }

    /** A model that always predicts eos: every response is just the eos that ends it. */
    @Test
    void stopsAtEos() {
        try (DecoderTransformer random = DecoderTransformer.initialize(CONFIG, 11, Device.cpu())) {
            Map<String, float[]> values = random.parameterValues();
            // Final LayerNorm gain 0 and bias = wte[eos] = (1, ..., 1): every logit is wte[v] . wte[eos], largest for eos.
            int d = CONFIG.dModel();
            float[] wte = values.get("wte");
            Arrays.fill(wte, TOK.eosId() * d, (TOK.eosId() + 1) * d, 1f);
            Arrays.fill(values.get("ln_f.gamma"), 0f);
            Arrays.fill(values.get("ln_f.beta"), 1f);
            try (DecoderTransformer eos = DecoderTransformer.fromValues(CONFIG, values, Device.cpu(), false);
                 NDManager m = NDManager.newBaseManager()) {
                int[][] out = new BatchSampler(eos).generate(new int[][] {{1, 20}, {1}}, greedy(5, 3),
                        new FixedTemperature(1.0), m).tokens();
                assertArrayEquals(new int[] {TOK.eosId()}, out[0]);
                assertArrayEquals(new int[] {TOK.eosId()}, out[1]);
            }
        }
    }

    private static float[] lastLogits(DecoderTransformer model, NDManager m, int[] seq) {
        try (NDManager s = m.newSubManager()) {
            long[] ids = Arrays.stream(seq).asLongStream().toArray();
            float[] ones = new float[seq.length];
            Arrays.fill(ones, 1f);
            float[] all = model.forward(s.create(ids, new Shape(1, seq.length)), s.create(ones, new Shape(1, seq.length)),
                    null).toFloatArray();
            return Arrays.copyOfRange(all, all.length - CONFIG.vocabSize(), all.length);
        }
    }
}
