package dev.forkpoint.rollout.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.hf.HfConfig;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.hf.LoraSpec;
import dev.forkpoint.rollout.testing.GradientChecks;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The chunked head against the plain path ({@link Policy#score}), one dynamic test per fixture folder for each
 * property, named after it: the same log-probabilities and entropies for any chunk size, and the same gradient of
 * every parameter for a loss {@code sum_t w_t log p_t} with random weights, full fine-tuning (recording the forward,
 * or recomputing every layer in the backward) and LoRA (frozen head).
 */
class ChunkedHeadTest {

    private static final int[] CHUNKS = {1, 7, 10_000};

    private static NDArray[] batch(NDManager m, int vocab) {
        SplittableRandom r = new SplittableRandom(11);
        long[] ids = new long[3 * 9];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(vocab);
        }
        float[] mask = new float[ids.length];
        java.util.Arrays.fill(mask, 1f);
        mask[0] = 0; // left padding in the first row
        mask[1] = 0;
        mask[9] = 0;
        return new NDArray[] {m.create(ids, new Shape(3, 9)), m.create(mask, new Shape(3, 9))};
    }

    private static Stream<DynamicTest> perFixture(Check check) {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> check.run(dir)));
    }

    private interface Check {
        void run(Path dir) throws Exception;
    }

    @TestFactory
    Stream<DynamicTest> scoresEqualThePlainPathForAnyChunkSize() {
        return perFixture(dir -> {
            try (HfDecoder model = HfDecoder.load(dir, Device.cpu(), false);
                 NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray[] b = batch(m, model.vocabSize());
                Policy.TokenScores plain = model.score(b[0], b[1]);
                for (int chunk : CHUNKS) {
                    Policy.TokenScores chunked = ChunkedHead.scores(model.head(b[0], b[1], chunk == 7), b[0], chunk);
                    assertEquals(plain.logProbs().getShape(), chunked.logProbs().getShape());
                    GradientChecks.assertClose(plain.logProbs().toFloatArray(), chunked.logProbs().toFloatArray(),
                            1e-5, 1e-3, "log p, chunk " + chunk);
                    GradientChecks.assertClose(plain.entropy().toFloatArray(), chunked.entropy().toFloatArray(),
                            1e-5, 1e-3, "entropy, chunk " + chunk);
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> gradientsEqualThePlainPath() {
        return perFixture(dir -> {
            try (HfDecoder plain = HfDecoder.load(dir, Device.cpu(), true);
                 HfDecoder chunked = HfDecoder.load(dir, Device.cpu(), true)) {
                compareGradients(plain, chunked, 5, false);
            }
        });
    }

    /** Gradient checkpointing: every layer recomputed in the backward gives the same gradients. */
    @TestFactory
    Stream<DynamicTest> recomputedLayersGiveThePlainGradients() {
        return perFixture(dir -> {
            try (HfDecoder plain = HfDecoder.load(dir, Device.cpu(), true);
                 HfDecoder chunked = HfDecoder.load(dir, Device.cpu(), true)) {
                compareGradients(plain, chunked, 4, true);
            }
        });
    }

    /** The same with the blocks recomputed one sequence at a time (rows of a padded batch of three). */
    @TestFactory
    Stream<DynamicTest> recomputedOneSequenceAtATimeGivesThePlainGradients() {
        return perFixture(dir -> {
            try (HfDecoder plain = HfDecoder.load(dir, Device.cpu(), true);
                 HfDecoder chunked = HfDecoder.load(dir, Device.cpu(), true)) {
                chunked.recomputeBytes(1);
                compareGradients(plain, chunked, 4, true);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> loraGradientsEqualThePlainPathWithAFrozenHead() {
        return perFixture(dir -> loraGradients(dir, 0.0));
    }

    /**
     * With adapter dropout, inside the same dropout(seed) scope: the checkpointed backward, recomputing one sequence
     * at a time, draws the forward's masks again (they depend on the global row), so it matches plain autograd.
     */
    @TestFactory
    Stream<DynamicTest> loraDropoutMasksAreRedrawnExactlyByTheRecomputation() {
        return perFixture(dir -> loraGradients(dir, 0.2));
    }

    private static void loraGradients(Path dir, double dropout) {
        {
            HfConfig config = HfConfig.read(dir);
            Map<String, float[]> w;
            try (HfDecoder base = HfDecoder.load(dir, Device.cpu(), false)) {
                w = base.parameterValues();
            }
            LoraSpec lora = new LoraSpec(4, 8, dropout, LoraSpec.TARGETS);
            Map<String, float[]> adapters = new LinkedHashMap<>();
            SplittableRandom r = new SplittableRandom(2);
            lora.shapes(config).forEach((k, s) -> {
                float[] v = new float[(int) (s[0] * s[1])];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextDouble(-0.05, 0.05);
                }
                adapters.put(k, v);
            });
            try (HfDecoder plain = HfDecoder.withAdapters(config, w, lora, adapters, 0, Device.cpu(), true, 32);
                 HfDecoder chunked = HfDecoder.withAdapters(config, w, lora, adapters, 0, Device.cpu(), true, 32)) {
                if (dropout == 0) {
                    compareGradients(plain, chunked, 3, true);
                } else {
                    chunked.recomputeBytes(1);
                    try (Policy.Dropout a = plain.dropout(5); Policy.Dropout b = chunked.dropout(5)) {
                        compareGradients(plain, chunked, 3, true);
                    }
                }
            }
        }
    }

    /** Loss sum_t w_t log p_t with fixed random w: plain autograd against the chunked head's hand-written backward. */
    private static void compareGradients(HfDecoder plain, HfDecoder chunked, int chunk, boolean recompute) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray[] b = batch(m, plain.vocabSize());
            SplittableRandom r = new SplittableRandom(4);
            float[] weights = new float[3 * 8];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) r.nextDouble(-1, 1);
            }
            NDArray wt = m.create(weights, new Shape(3, 8));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(plain.score(b[0], b[1]).logProbs().mul(wt).sum());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Policy.Head head = chunked.head(b[0], b[1], recompute);
                NDArray lp = ChunkedHead.scores(head, b[0], chunk).logProbs();
                lp.setRequiresGradient(true);
                gc.backward(lp.mul(wt).sum());
                // Slices of 7 vocabulary rows (none divides the fixtures' vocabularies) for the plain head, one slice when recomputing.
                ChunkedHead.backward(gc, head, b[0], lp.getGradient(), chunk, recompute ? 0 : 7);
            }
            assertTrue(!plain.parameters().isEmpty());
            GradientChecks.assertSameGradients(plain.parameters(), chunked.parameters(), 1e-4, 1e-3);
        }
    }

}
