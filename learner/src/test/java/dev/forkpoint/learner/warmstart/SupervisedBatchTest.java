package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import dev.forkpoint.rollout.task.countdown.CountdownTask;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SupervisedBatchTest {

    static final BuiltinTokenizer TOK = new BuiltinTokenizer();

    /** A prompt's ids as the rollouts encode it: {@code <bos>} and the text. */
    static int[] prompt(String text) {
        return TOK.encodePrompt(List.of(ChatMessage.user(text)));
    }
    static DecoderTransformer model;

    @BeforeAll
    static void init() {
        model = DecoderTransformer.initialize(new ModelConfig(TOK.vocabSize(), 1, 2, 32, 32, 4), 5, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void exampleIsBosPromptResponseEosWithTargetsOnResponseAndEos() {
        CountdownTask task = new CountdownTask(CountdownConfig.defaults());
        Problem p = CountdownTask.problemOf("t", List.of(3, 5, 2), 16);
        SupervisedExample e = SupervisedExample.of(task, p, TOK);
        String solution = task.workedSolution(p);
        int[] expected = new int[1 + p.prompt().length() + solution.length() + 1];
        expected[0] = TOK.bosId();
        System.arraycopy(TOK.encode(p.prompt() + solution), 0, expected, 1, expected.length - 2);
        expected[expected.length - 1] = TOK.eosId();
        assertArrayEquals(expected, e.ids());
        assertEquals(1 + "3 5 2=16:".length(), e.promptLength());
        assertEquals(solution.length() + 1, e.targetCount(), "targets: the response and eos");
    }

    /**
     * The batched loss equals a host computation from separate unpadded forwards that sums -log p only over
     * response and eos positions: exact masking (a prompt position or a padding position in the loss would
     * change the value) and a token-level mean over the whole batch.
     */
    @Test
    void lossIsTheMeanNegativeLogProbOfResponseTokensOnly() {
        List<SupervisedExample> examples = List.of(
                SupervisedExample.of(prompt("3 5 2=16:"), TOK.encode("(3+5)*2"), TOK),
                SupervisedExample.of(prompt("10 1 4=50:"), TOK.encode("10*(1+4)"), TOK),
                SupervisedExample.of(prompt("1 2 3=6:"), TOK.encode("1+2+3"), TOK));
        double sum = 0;
        int count = 0;
        for (SupervisedExample e : examples) {
            float[] logits = fullLogits(e.ids());
            int v = TOK.vocabSize();
            for (int t = e.promptLength() - 1; t < e.length() - 1; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, logits[t * v + j]);
                }
                double z = 0;
                for (int j = 0; j < v; j++) {
                    z += Math.exp(logits[t * v + j] - max);
                }
                sum -= logits[t * v + e.ids()[t + 1]] - max - Math.log(z);
                count++;
            }
        }
        SupervisedBatch batch = new SupervisedBatch(examples, TOK.padId());
        assertEquals(count, batch.targetTokens());
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(sum / count, batch.loss(model, m).getFloat(), 1e-5);
        }
    }

    @Test
    void promptTokensOnlyConditionTheLoss() {
        // Same response after a different prompt of the same length: the set of scored targets is identical,
        // so the number of loss tokens is too; and a longer prompt adds no loss tokens.
        SupervisedBatch a = new SupervisedBatch(List.of(SupervisedExample.of(prompt("1 2 3=6:"),
                TOK.encode("1+2+3"), TOK)), TOK.padId());
        SupervisedBatch b = new SupervisedBatch(List.of(SupervisedExample.of(prompt("1 2 3=6:::::::"),
                TOK.encode("1+2+3"), TOK)), TOK.padId());
        assertEquals(6, a.targetTokens());
        assertEquals(a.targetTokens(), b.targetTokens());
        assertEquals(1 + 8 + 5 + 1, a.realTokens());
    }

    @Test
    void rejectsEmptyBatchesAndExamplesWithoutTargets() {
        assertThrows(IllegalArgumentException.class, () -> new SupervisedBatch(List.of(), 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SupervisedExample(new int[] {1, 5, 6}, 3));
        assertEquals("promptLength = 3: must be in [1, 3) so that at least one target token remains", e.getMessage());
    }

    static float[] fullLogits(int[] ids) {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] l = new long[ids.length];
            float[] ones = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                l[i] = ids[i];
                ones[i] = 1;
            }
            return model.forward(m.create(l, new Shape(1, ids.length)), m.create(ones, new Shape(1, ids.length)), null)
                    .toFloatArray();
        }
    }
}
