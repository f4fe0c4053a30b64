package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.testing.GradientChecks;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The warm start's loss on a Hugging Face model goes through the chunked head with its layers recomputed in the
 * backward; per fixture folder (named after it), its value and every parameter's gradient equal plain autograd of
 * {@link SupervisedBatch#loss} on padded examples of different lengths.
 */
class SupervisedBatchChunkedTest {

    @TestFactory
    Stream<DynamicTest> chunkedWarmStartLossHasThePlainGradient() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(
                dir.getFileName().toString(), dir.toUri(), () -> check(dir)));
    }

    private static void check(Path dir) {
        try (HfDecoder plain = HfDecoder.load(dir, Device.cpu(), true);
             HfDecoder chunked = HfDecoder.load(dir, Device.cpu(), true);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SplittableRandom r = new SplittableRandom(11);
            int vocab = plain.vocabSize();
            List<SupervisedExample> examples = List.of(
                    new SupervisedExample(randomIds(r, vocab, 9), 4),
                    new SupervisedExample(randomIds(r, vocab, 5), 2),
                    new SupervisedExample(randomIds(r, vocab, 7), 6));
            SupervisedBatch batch = new SupervisedBatch(examples, 0);
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = batch.loss(plain, m);
                loss = l.getFloat();
                gc.backward(l);
            }
            float chunkedLoss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                chunkedLoss = batch.backward(chunked, m, gc);
            }
            assertEquals(loss, chunkedLoss, 1e-5 * Math.max(1, Math.abs(loss)), "loss");
            double largest = GradientChecks.assertSameGradients(plain.parameters(), chunked.parameters(), 1e-4,
                    1e-6);
            assertTrue(largest > 0, "the loss must have a gradient");
        }
    }

    private static int[] randomIds(SplittableRandom r, int vocab, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1 + r.nextInt(vocab - 1);
        }
        return ids;
    }
}
