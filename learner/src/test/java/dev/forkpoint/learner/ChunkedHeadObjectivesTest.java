package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.objective.ObjectiveResult;
import dev.forkpoint.learner.objective.PolicyBatch;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.policy.ChunkedHead;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.testing.GoldenVectors;
import dev.forkpoint.rollout.testing.GradientChecks;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chunked head's hand-written backward against plain autograd through every objective of the golden vectors: one
 * dynamic test per vector file, named after it, on the first Hugging Face fixture. The vector gives the objective
 * (config, mask, rewards, groups) and the ratios to the old and reference policies; the model gives the
 * log-probabilities and entropies. Every parameter's gradient must agree.
 */
class ChunkedHeadObjectivesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TestFactory
    Stream<DynamicTest> everyObjectiveGetsThePlainGradientThroughTheChunkedHead() throws IOException {
        Path model = HfModelFixtures.folders().get(0);
        return GoldenVectors.files("objectives").stream().map(file -> DynamicTest.dynamicTest(
                "objectives/" + file.getFileName(), file.toUri(), () -> check(JSON.readTree(file.toFile()), model)));
    }

    private static void check(JsonNode vector, Path modelDir) {
        ObjectiveConfig config = GoldenObjectivesTest.mapConfig(vector.get("config"));
        JsonNode in = vector.get("inputs");
        float[][] mask = GoldenObjectivesTest.floats2(in.get("mask"));
        int rows = mask.length;
        int width = mask[0].length;
        int[] groups = JSON.convertValue(in.get("groups"), int[].class);
        double[] rewards = JSON.convertValue(in.get("rewards"), double[].class);
        int[] lengths = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (float m : mask[i]) {
                lengths[i] += (int) m;
            }
        }
        PolicyObjective objective = new PolicyObjective(config);
        double[] advantages = objective.advantages(rewards, groups, lengths);
        float[][] oldShift = difference(in.get("old_logp"), in.get("logp"));
        float[][] refShift = difference(in.get("ref_logp"), in.get("logp"));
        try (HfDecoder plain = HfDecoder.load(modelDir, Device.cpu(), true);
             HfDecoder chunked = HfDecoder.load(modelDir, Device.cpu(), true);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // One prompt token, then the vector's response positions.
            SplittableRandom r = new SplittableRandom(7);
            long[] ids = new long[rows * (width + 1)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = r.nextInt(plain.vocabSize());
            }
            NDArray tokens = m.create(ids, new Shape(rows, width + 1));
            NDArray keyMask = m.ones(new Shape(rows, width + 1));
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Policy.TokenScores s = plain.score(tokens, keyMask);
                ObjectiveResult result = objective(objective, s.logProbs(), s.entropy(), oldShift, refShift, mask,
                        advantages, m);
                loss = result.loss().getFloat();
                gc.backward(result.loss());
            }
            float chunkedLoss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Policy.Head head = chunked.head(tokens, keyMask, true);
                Policy.TokenScores s = ChunkedHead.scores(head, tokens, 2);
                s.logProbs().setRequiresGradient(true);
                ObjectiveResult result = objective(objective, s.logProbs(), s.entropy(), oldShift, refShift, mask,
                        advantages, m);
                chunkedLoss = result.loss().getFloat();
                gc.backward(result.loss());
                ChunkedHead.backward(gc, head, tokens, s.logProbs().getGradient(), 2, 5);
            }
            assertEquals(loss, chunkedLoss, 1e-5 * Math.max(1, Math.abs(loss)), "loss");
            double largest = GradientChecks.assertSameGradients(plain.parameters(), chunked.parameters(), 1e-4,
                    1e-6);
            assertTrue(largest > 0 || loss == 0, "a nonzero loss must have a gradient somewhere");
        }
    }

    /** The objective on the model's response positions, the old and reference log-probs at the vector's offsets. */
    private static ObjectiveResult objective(PolicyObjective objective, NDArray logProbs, NDArray entropy,
                                             float[][] oldShift, float[][] refShift, float[][] mask,
                                             double[] advantages, NDManager m) {
        NDArray lp = logProbs; // (rows, width): position t scores token t+1, i.e. response position t
        NDArray detached = lp.stopGradient();
        NDArray h = entropy.stopGradient();
        return objective.compute(new PolicyBatch(lp, detached.add(m.create(oldShift)), detached.add(m.create(refShift)),
                h, h, m.create(mask), advantages, 1234L));
    }

    private static float[][] difference(JsonNode a, JsonNode b) {
        float[][] x = GoldenObjectivesTest.floats2(a);
        float[][] y = GoldenObjectivesTest.floats2(b);
        float[][] out = new float[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = x[i][j] - y[i][j];
            }
        }
        return out;
    }
}
