package dev.forkpoint.rollout.warmstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GreedyDecoderTest {

    static final BuiltinTokenizer TOK = new BuiltinTokenizer();
    static final ModelConfig CONFIG = new ModelConfig(TOK.vocabSize(), 1, 2, 32, 24, 4);

    /**
     * Batched, left-padded, cached greedy decoding picks at every step the argmax of a full recomputation of
     * that row alone (unpadded, no cache): within 1e-4 of the maximum logit, the cache-vs-recompute tolerance.
     */
    @Test
    void everyTokenIsTheArgmaxOfAFullForwardOfItsPrefix() {
        int[][] prompts = {{1, 20, 21, 22}, {1, 30}, {1, 40, 41, 42, 43, 44, 45}};
        try (DecoderTransformer model = DecoderTransformer.initialize(CONFIG, 11, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            int[][] out = new GreedyDecoder(model, TOK.padId(), TOK.eosId()).decode(prompts, 10, m);
            for (int r = 0; r < prompts.length; r++) {
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
                if (out[r].length < 10) {
                    // It stopped early: eos (not returned) must have been the argmax after the last token.
                    float[] last = lastLogits(model, m, seq);
                    float max = Float.NEGATIVE_INFINITY;
                    for (float x : last) {
                        max = Math.max(max, x);
                    }
                    assertEquals(max, last[TOK.eosId()], 1e-4, "row " + r + " stopped without eos");
                }
            }
        }
    }

    /** A model that always predicts eos: every response is empty (eos ends it and is not returned). */
    @Test
    void stopsAtEosWhichIsNotPartOfTheResponse() {
        try (DecoderTransformer random = DecoderTransformer.initialize(CONFIG, 11, Device.cpu())) {
            Map<String, float[]> values = random.parameterValues();
            // Final LayerNorm gain 0 and bias = wte[eos] = (1, ..., 1): every logit is wte[v] . wte[eos], largest for eos.
            int d = CONFIG.dModel();
            float[] wte = values.get("wte");
            Arrays.fill(wte, TOK.eosId() * d, (TOK.eosId() + 1) * d, 1f);
            Arrays.fill(values.get("ln_f.gamma"), 0f);
            float[] beta = values.get("ln_f.beta");
            Arrays.fill(beta, 1f);
            try (DecoderTransformer eos = DecoderTransformer.fromValues(CONFIG, values, Device.cpu(), false);
                 NDManager m = NDManager.newBaseManager()) {
                int[][] out = new GreedyDecoder(eos, TOK.padId(), TOK.eosId()).decode(new int[][] {{1, 20}, {1}}, 5, m);
                assertArrayEquals(new int[0], out[0]);
                assertArrayEquals(new int[0], out[1]);
            }
        }
    }

    @Test
    void generationIsCappedByTheContextLength() {
        try (DecoderTransformer model = DecoderTransformer.initialize(CONFIG, 11, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            GreedyDecoder decoder = new GreedyDecoder(model, TOK.padId(), TOK.eosId());
            int[] prompt = new int[20];
            Arrays.fill(prompt, 30);
            int[][] out = decoder.decode(new int[][] {prompt}, 50, m);
            assertTrue(out[0].length <= 4, "20 prompt positions leave 4 of 24");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> decoder.decode(new int[][] {new int[24]}, 5, m));
            assertTrue(e.getMessage().contains("model.contextLength = 24"), e.getMessage());
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
