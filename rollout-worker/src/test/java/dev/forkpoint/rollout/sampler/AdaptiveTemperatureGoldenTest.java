package dev.forkpoint.rollout.sampler;

import dev.forkpoint.rollout.testing.GoldenVectors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.entropy.NormalizedEntropy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden vectors of docs/algorithms.md section 4: one dynamic test per JSON file in the {@code sampling/}
 * folder, named after the file. The statistics are fitted by {@link AdaptiveTemperature#update}, the
 * entropy, temperature and sampled distribution are computed by the same device code the sampler runs.
 */
class AdaptiveTemperatureGoldenTest {

    private static final Set<String> CONFIG_KEYS = Set.of("t_base", "tau", "pivot");

    @TestFactory
    Stream<DynamicTest> samplingGoldenVectors() throws IOException {
        return GoldenVectors.files("sampling").stream()
                .map(f -> DynamicTest.dynamicTest("sampling/" + f.getFileName(), f.toUri(), () -> check(f)));
    }

    private static void check(Path file) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        JsonNode config = root.get("config");
        for (String key : config.propertyNames()) {
            assertTrue(CONFIG_KEYS.contains(key), file + ": unknown config key '" + key + "'");
        }
        AdaptiveTemperature rule = new AdaptiveTemperature(config.get("t_base").asDouble(),
                config.get("tau").asDouble(), config.get("pivot").asDouble());

        rule.update(matrix(root.get("inputs").get("previous_entropy")));
        JsonNode stats = root.get("expected").get("stats");
        NormalizedEntropy fitted = rule.stats();
        assertClose(stats.get("pivot").asDouble(), fitted.pivot(), 1e-5, "stats.pivot");
        assertClose(stats.get("std").asDouble(), fitted.std(), 1e-5, "stats.std");
        assertClose(stats.get("scale_pos").asDouble(), fitted.scalePos(), 1e-5, "stats.scale_pos");
        assertClose(stats.get("scale_neg").asDouble(), fitted.scaleNeg(), 1e-5, "stats.scale_neg");

        float[][] logits = matrix(root.get("inputs").get("logits"));
        int rows = logits.length;
        int vocab = logits[0].length;
        float[] flat = new float[rows * vocab];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(logits[i], 0, flat, i * vocab, vocab);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(flat, new Shape(rows, vocab));
            NDArray entropy = GumbelMaxSampler.entropy(z.logSoftmax(1));
            NDArray temperature = rule.temperatures(entropy);
            NDArray probs = GumbelMaxSampler.distribution(z, temperature, 1.0);
            float[] h = entropy.toFloatArray();
            float[] t = temperature.toFloatArray();
            float[] p = probs.toFloatArray();
            JsonNode expected = root.get("expected");
            for (int i = 0; i < rows; i++) {
                assertClose(expected.get("entropy").get(i).asDouble(), h[i], 1e-4, "entropy[" + i + "]");
                assertClose(expected.get("temperature").get(i).asDouble(), t[i], 1e-5, "temperature[" + i + "]");
                for (int j = 0; j < vocab; j++) {
                    assertClose(expected.get("probs").get(i).get(j).asDouble(), p[i * vocab + j], 1e-4,
                            "probs[" + i + "][" + j + "]");
                }
            }
        }
    }

    private static float[][] matrix(JsonNode node) {
        float[][] out = new float[node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = node.get(i);
            out[i] = new float[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) row.get(j).asDouble();
            }
        }
        return out;
    }

    /** Relative error, with an absolute floor of 1e-7 for values near 0 (tiny entropies, probabilities). */
    private static void assertClose(double expected, double actual, double rel, String what) {
        double tol = Math.max(rel * Math.abs(expected), 1e-7);
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": expected " + expected + " got " + actual + " (tolerance " + tol + ")");
        }
    }

}
