package dev.forkpoint.learner;

import dev.forkpoint.rollout.testing.GcChurn;
import dev.forkpoint.rollout.testing.GoldenVectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.objective.ObjectiveResult;
import dev.forkpoint.learner.objective.PieceOutputs;
import dev.forkpoint.learner.objective.PolicyBatch;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.learner.shaping.DynamicSamplingFilter;
import dev.forkpoint.learner.shaping.OverlongRewardShaping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One dynamic test per golden vector in {@code objectives/} and {@code shaping/} (docs/algorithms.md, "Golden vectors"
 * format). Tolerances: loss relative 1e-4; dLoss/dlp |got - want| <= 1e-3 |want| + 1e-6 (the absolute 1e-6 only
 * matters for entries that are zero or near it: gradients here are O(1e-2), float32 rounding is O(1e-9));
 * per-piece real outputs |got - want| <= 1e-4 |want| + 1e-6; masks exactly. Every gradient is taken with a
 * garbage collection and fresh NaN-filled native memory between forward and backward ({@link GcChurn}), so an op
 * whose backward reads a released scalar fails here instead of corrupting a rare update.
 */
class GoldenObjectivesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The golden format's config keys (docs/algorithms.md, "Golden vectors") and the objective keys they map onto;
     * any other key fails the test, so a vector that uses a key this test does not know cannot pass by ignoring it.
     */
    private static final Map<String, String> TOP_KEYS = Map.ofEntries(Map.entry("advantage", "advantage"),
            Map.entry("norm_adv_by_std", "normAdvByStd"), Map.entry("loss", "loss"), Map.entry("clip_low", "clipLow"),
            Map.entry("clip_high", "clipHigh"), Map.entry("clip_c", "clipC"), Map.entry("agg", "agg"),
            Map.entry("max_len", "maxLen"), Map.entry("hapo", "hapo"), Map.entry("clip_cov", "clipCov"),
            Map.entry("kl_cov", "klCov"), Map.entry("forking", "forking"), Map.entry("steer", "steer"),
            Map.entry("kl", "kl"));
    private static final Map<String, Map<String, String>> SECTION_KEYS = Map.of(
            "hapo", Map.of("pivot", "pivot", "adaptive_clip", "adaptiveClip", "clip_alpha", "clipAlpha",
                    "adaptive_advantage", "adaptiveAdvantage", "adv_beta", "advBeta"),
            "clip_cov", Map.of("ratio", "ratio", "lb", "lb", "ub", "ub"),
            "kl_cov", Map.of("ratio", "ratio", "beta", "beta"),
            "forking", Map.of("rho", "rho", "normalize", "normalize"),
            "steer", Map.of("wmin", "wMin", "wmax", "wMax", "linear", "linear"),
            "kl", Map.of("kind", "kind", "coef", "coef"));
    private static final Set<String> SHAPING_KEYS = Set.of("max_response_length", "overlong_buffer",
            "penalty_factor");

    @TestFactory
    Stream<DynamicTest> goldenVectors() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String folder : List.of("objectives", "shaping")) {
            List<Path> files = GoldenVectors.files(folder);
            for (Path file : files) {
                tests.add(DynamicTest.dynamicTest(folder + "/" + file.getFileName(), file.toUri(), () -> {
                    JsonNode vector = JSON.readTree(file.toFile());
                    if (folder.equals("objectives")) {
                        checkObjective(vector);
                    } else {
                        checkShaping(vector);
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Maps the golden config onto an objective document (no preset: the documented defaults, no KL unless the
     * vector has one) and parses it as a user's would be.
     */
    static ObjectiveConfig mapConfig(JsonNode config) {
        Map<String, Object> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String key = e.getKey();
            if (!TOP_KEYS.containsKey(key)) {
                fail("golden config key '" + key + "' is not part of the golden format");
            }
            Object value = JSON.convertValue(e.getValue(), Object.class);
            if (SECTION_KEYS.containsKey(key)) {
                Map<String, Object> section = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> sub : e.getValue().properties()) {
                    String ours = SECTION_KEYS.get(key).get(sub.getKey());
                    if (ours == null) {
                        fail("golden config key '" + key + "." + sub.getKey() + "' is not part of the golden format");
                    }
                    section.put(ours, JSON.convertValue(sub.getValue(), Object.class));
                }
                value = section;
            }
            mapped.put(TOP_KEYS.get(key), value);
        }
        return ObjectiveConfig.parse(mapped);
    }

    private static void checkObjective(JsonNode vector) {
        ObjectiveConfig config = mapConfig(vector.get("config"));
        JsonNode in = vector.get("inputs");
        JsonNode expected = vector.get("expected");
        float[][] mask = floats2(in.get("mask"));
        int[] groups = JSON.convertValue(in.get("groups"), int[].class);
        double[] rewards = JSON.convertValue(in.get("rewards"), double[].class);
        int[] lengths = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            for (float m : mask[i]) {
                lengths[i] += (int) m;
            }
        }
        PolicyObjective objective = new PolicyObjective(config);
        double[] advantages = objective.advantages(rewards, groups, lengths);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray lp = manager.create(floats2(in.get("logp")));
            lp.setRequiresGradient(true);
            PolicyBatch batch = new PolicyBatch(lp, manager.create(floats2(in.get("old_logp"))),
                    manager.create(floats2(in.get("ref_logp"))), manager.create(floats2(in.get("entropy"))),
                    manager.create(floats2(in.get("old_entropy"))), manager.create(mask), advantages, 1234L);
            ObjectiveResult result;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                result = objective.compute(batch);
                // A garbage collection between forward and backward must not change the gradient (AutogradScalar).
                GcChurn.freeAndOverwrite();
                collector.backward(result.loss());
            }
            double loss = result.loss().getFloat();
            double wantLoss = expected.get("loss").asDouble();
            assertEquals(wantLoss, loss, 1e-4 * Math.abs(wantLoss), "loss");
            int checked = 0;
            PieceOutputs p = result.pieces();
            for (String key : expected.propertyNames()) {
                JsonNode want = expected.get(key);
                switch (key) {
                    case "loss" -> { }
                    case "grad_logp" -> assertClose(key, want, lp.getGradient().toFloatArray(), 1e-3, 1e-6);
                    case "advantages" -> assertClose(key, want, p.advantages(), 1e-4, 1e-6);
                    case "token_weights" -> assertClose(key, want, p.tokenWeights(), 1e-4, 1e-6);
                    case "h_hat" -> assertClose(key, want, p.hHat(), 1e-4, 1e-6);
                    case "eps_low" -> assertClose(key, want, p.epsLow(), 1e-4, 1e-6);
                    case "eps_high" -> assertClose(key, want, p.epsHigh(), 1e-4, 1e-6);
                    case "shaped_advantages" -> assertClose(key, want, p.shapedAdvantages(), 1e-4, 1e-6);
                    case "steer_weights" -> assertClose(key, want, part(p, "steer"), 1e-4, 1e-6);
                    case "forking_mask" -> assertExact(key, want, part(p, "forking"));
                    case "kl_cov_selected" -> assertExact(key, want, flags(p.klCovSelected()));
                    case "detached" -> {
                        double[] kept = part(p, "clipCov");
                        double[] detached = new double[kept.length];
                        float[] flatMask = flatten(mask);
                        for (int i = 0; i < kept.length; i++) {
                            detached[i] = flatMask[i] * (1 - kept[i]);
                        }
                        assertExact(key, want, detached);
                    }
                    default -> fail("expected output '" + key + "' has no check");
                }
                checked++;
            }
            assertTrue(checked >= 4, "a vector checks loss, advantages, token_weights and grad_logp at least");
            assertTrue(Double.isFinite(result.metrics().get("actor/pg_loss")), "metrics are reported");
        }
    }

    private static void checkShaping(JsonNode vector) {
        JsonNode config = vector.get("config");
        for (String key : config.propertyNames()) {
            if (!SHAPING_KEYS.contains(key)) {
                fail("golden shaping config key '" + key + "' is not part of the golden format");
            }
        }
        OverlongRewardShaping shaping = new OverlongRewardShaping(config.get("max_response_length").asInt(),
                config.get("overlong_buffer").asInt(), config.get("penalty_factor").asDouble());
        JsonNode in = vector.get("inputs");
        JsonNode expected = vector.get("expected");
        for (String key : expected.propertyNames()) {
            switch (key) {
                case "shaped_rewards" -> assertArrayEquals(JSON.convertValue(expected.get(key), double[].class),
                        shaping.shape(JSON.convertValue(in.get("scores"), double[].class),
                                JSON.convertValue(in.get("lengths"), int[].class)), 1e-12, key);
                case "keep_group" -> assertArrayEquals(JSON.convertValue(expected.get(key), boolean[].class),
                        DynamicSamplingFilter.keepGroups(JSON.convertValue(in.get("groups"), int[].class),
                                JSON.convertValue(in.get("accuracy"), double[].class)), key);
                default -> fail("expected output '" + key + "' has no check");
            }
        }
    }

    private static double[] part(PieceOutputs p, String name) {
        double[] w = p.partWeights().get(name);
        if (w == null) {
            fail("token weight '" + name + "' is not active, but the vector expects its output");
        }
        return w;
    }

    private static double[] flags(boolean[] b) {
        if (b == null) {
            fail("kl_cov_selected expected but the loss is not kl_cov");
        }
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i] ? 1 : 0;
        }
        return d;
    }

    private static void assertClose(String key, JsonNode want, double[] got, double rel, double abs) {
        double[] w = flatten(JSON.convertValue(want, double[][].class));
        assertEquals(w.length, got.length, key + ": size");
        for (int i = 0; i < w.length; i++) {
            if (Math.abs(got[i] - w[i]) > rel * Math.abs(w[i]) + abs) {
                fail(key + "[" + i + "] = " + got[i] + ", expected " + w[i]);
            }
        }
    }

    private static void assertClose(String key, JsonNode want, float[] got, double rel, double abs) {
        double[] d = new double[got.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = got[i];
        }
        assertClose(key, want, d, rel, abs);
    }

    private static void assertExact(String key, JsonNode want, double[] got) {
        assertArrayEquals(flatten(JSON.convertValue(want, double[][].class)), got, 0.0, key);
    }

    static float[][] floats2(JsonNode node) {
        return JSON.convertValue(node, float[][].class);
    }

    static double[] flatten(double[][] rows) {
        return Stream.of(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    static float[] flatten(float[][] rows) {
        int n = 0;
        for (float[] r : rows) {
            n += r.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, k, r.length);
            k += r.length;
        }
        return out;
    }
}
