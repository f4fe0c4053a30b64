package dev.forkpoint.rollout.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA on the Hugging Face decoder, one dynamic test per fixture folder for each property, named after the folder:
 * fresh adapters change nothing; with nonzero adapters the model equals the merged weights {@code W + s B A}; the
 * adapters' gradients are the chain rule of the merged weight's gradient ({@code dB = s G A^T}, {@code dA = s B^T G});
 * the base view is the model without adapters; a checkpoint round trip and an export keep them.
 */
class HfLoraTest {

    private static final LoraSpec LORA = new LoraSpec(4, 8.0, LoraSpec.TARGETS);

    private static Map<String, float[]> weights(Path dir) {
        HfConfig config = HfConfig.read(dir);
        Map<String, float[]> values = new LinkedHashMap<>();
        try (ModelWeights w = ModelWeights.open(dir)) {
            for (String name : HfDecoder.parameterShapes(config).keySet()) {
                values.put(name, w.floats(name));
            }
        }
        return values;
    }

    /** Adapters with B nonzero too, so they change the model. */
    private static Map<String, float[]> randomAdapters(HfConfig config, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        LORA.shapes(config).forEach((name, s) -> {
            float[] v = new float[(int) (s[0] * s[1])];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextDouble(-0.05, 0.05);
            }
            out.put(name, v);
        });
        return out;
    }

    private static float[] logits(HfDecoder model) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tokens = m.create(new long[] {0, 5, 40, 41, 19, 7, 3, 8, 9, 10, 11, 12}, new Shape(2, 6));
            NDArray mask = m.create(new float[] {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
            return model.forward(tokens, mask, null).toFloatArray();
        }
    }

    private static void assertClose(float[] want, float[] got, double relative, String what) {
        double max = 0;
        for (float v : want) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = relative * Math.max(max, 1e-6);
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(want[i] - got[i]) > tol) {
                fail(what + "[" + i + "] = " + got[i] + ", expected " + want[i] + " (tolerance " + tol + ")");
            }
        }
    }

    private static Stream<DynamicTest> perFixture(ThrowingCheck check) {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> check.run(dir)));
    }

    private interface ThrowingCheck {
        void run(Path dir) throws Exception;
    }

    @TestFactory
    Stream<DynamicTest> freshAdaptersChangeNothingAndOnlyTheyTrain() {
        return perFixture(dir -> {
            HfConfig config = HfConfig.read(dir);
            Map<String, float[]> w = weights(dir);
            try (HfDecoder base = HfDecoder.fromValues(config, w, Device.cpu(), false, 16);
                 HfDecoder lora = HfDecoder.withAdapters(config, w, LORA, null, 7, Device.cpu(), true, 16)) {
                assertArrayEquals(logits(base), logits(lora), "B = 0: the adapted model is the base model");
                assertEquals(LORA.shapes(config).keySet(), lora.parameters().keySet(), "only the adapters train");
                assertTrue(lora.parameters().values().stream().allMatch(NDArray::hasGradient));
                assertFalse(lora.baseParameters().values().stream().anyMatch(NDArray::hasGradient),
                        "the base is frozen");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> adaptedModelEqualsMergedWeightsAndTheBaseViewEqualsTheBase() {
        return perFixture(dir -> {
            HfConfig config = HfConfig.read(dir);
            Map<String, float[]> w = weights(dir);
            Map<String, float[]> adapters = randomAdapters(config, 3);
            try (HfDecoder lora = HfDecoder.withAdapters(config, w, LORA, adapters, 0, Device.cpu(), false, 16);
                 HfDecoder merged = HfDecoder.fromValues(config, LORA.merge(config, w, adapters), Device.cpu(), false,
                         16);
                 HfDecoder base = HfDecoder.fromValues(config, w, Device.cpu(), false, 16)) {
                float[] adapted = logits(lora);
                assertClose(logits(merged), adapted, 1e-4, "logits of W + s B A vs adapters");
                float[] plain = logits(base);
                boolean differs = false;
                for (int i = 0; i < plain.length && !differs; i++) {
                    differs = Math.abs(plain[i] - adapted[i]) > 1e-3;
                }
                assertTrue(differs, "nonzero adapters must change the logits for the comparison to mean anything");
                try (HfDecoder view = lora.baseView()) {
                    assertArrayEquals(plain, logits(view), "the base view is the model without adapters");
                }
                assertArrayEquals(adapted, logits(lora), "closing the view frees nothing of the model");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> adapterGradientsAreTheChainRuleOfTheMergedWeightsGradient() {
        return perFixture(dir -> {
            HfConfig config = HfConfig.read(dir);
            Map<String, float[]> w = weights(dir);
            Map<String, float[]> adapters = randomAdapters(config, 5);
            double s = LORA.scale();
            try (HfDecoder lora = HfDecoder.withAdapters(config, w, LORA, adapters, 0, Device.cpu(), true, 16);
                 HfDecoder merged = HfDecoder.fromValues(config, LORA.merge(config, w, adapters), Device.cpu(), true,
                         16)) {
                backwardOfMeanLogProb(lora);
                backwardOfMeanLogProb(merged);
                for (String m : List.of(LoraSpec.module(0, "q_proj"), LoraSpec.module(0, "v_proj"),
                        LoraSpec.module(config.layers() - 1, "down_proj"))) {
                    long[] shape = HfDecoder.parameterShapes(config).get(m + ".weight");
                    int out = (int) shape[0];
                    int in = (int) shape[1];
                    int r = LORA.rank();
                    float[] g = merged.parameters().get(m + ".weight").getGradient().toFloatArray();
                    float[] a = adapters.get(m + ".lora_A.weight");
                    float[] b = adapters.get(m + ".lora_B.weight");
                    float[] wantB = new float[out * r];
                    float[] wantA = new float[r * in];
                    for (int i = 0; i < out; i++) {
                        for (int k = 0; k < r; k++) {
                            double sum = 0;
                            for (int j = 0; j < in; j++) {
                                sum += (double) g[i * in + j] * a[k * in + j];
                            }
                            wantB[i * r + k] = (float) (s * sum);
                        }
                    }
                    for (int k = 0; k < r; k++) {
                        for (int j = 0; j < in; j++) {
                            double sum = 0;
                            for (int i = 0; i < out; i++) {
                                sum += (double) b[i * r + k] * g[i * in + j];
                            }
                            wantA[k * in + j] = (float) (s * sum);
                        }
                    }
                    assertClose(wantB, lora.parameters().get(m + ".lora_B.weight").getGradient().toFloatArray(), 2e-3,
                            m + ".lora_B grad");
                    assertClose(wantA, lora.parameters().get(m + ".lora_A.weight").getGradient().toFloatArray(), 2e-3,
                            m + ".lora_A grad");
                }
            }
        });
    }

    private static void backwardOfMeanLogProb(HfDecoder model) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray tokens = m.create(new long[] {0, 5, 40, 41, 19, 7, 3, 8, 9, 10, 11, 12}, new Shape(2, 6));
            NDArray mask = m.create(new float[] {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
            gc.backward(model.score(tokens, mask).logProbs().mean().neg());
        }
    }

    @TestFactory
    Stream<DynamicTest> aCheckpointKeepsAdaptersAndBaseAndExportsTheMergedWeights(@TempDir Path tmp) {
        return perFixture(dir -> {
            HfConfig config = HfConfig.read(dir);
            Map<String, float[]> w = weights(dir);
            Map<String, float[]> adapters = randomAdapters(config, 9);
            Path file = tmp.resolve(dir.getFileName() + "-lora.fpckpt");
            float[] before;
            try (HfDecoder lora = HfDecoder.withAdapters(config, w, LORA, adapters, 0, Device.cpu(), true, 16);
                 HuggingFaceTokenizerAdapter tok = HuggingFaceTokenizerAdapter.fromDirectory(dir)) {
                before = logits(lora);
                PolicyCheckpoint.save(file, lora, tok);
            }
            try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(file, Device.cpu())) {
                HfDecoder back = (HfDecoder) loaded.policy();
                assertEquals(LORA, back.lora());
                assertArrayEquals(before, logits(back), "adapters and base reload exactly");
                assertEquals(LORA.shapes(config).keySet(), back.parameters().keySet());
            }
            HfExport.Result r = HfExport.fromCheckpoint(file, tmp.resolve(dir.getFileName() + "-merged"),
                    dev.forkpoint.rollout.safetensors.DType.F32, HfExport.DEFAULT_MAX_SHARD_BYTES);
            Map<String, float[]> merged = LORA.merge(config, w, adapters);
            try (ModelWeights out = ModelWeights.open(r.directory())) {
                assertEquals(List.copyOf(HfDecoder.parameterShapes(config).keySet()), out.names(),
                        "the base's tensor names only, no adapter tensors");
                for (String name : out.names()) {
                    assertArrayEquals(merged.get(name), out.floats(name), name);
                }
            }
            assertEquals(HfTokenizerFiles.read(dir), HfTokenizerFiles.read(r.directory()));
        });
    }

    /**
     * Adapter dropout acts inside {@code dropout(seed)} only: there the logits are a fixed function of the seed (the
     * same twice, another seed differs) and differ from the model without dropout, which is what they are outside.
     */
    @TestFactory
    Stream<DynamicTest> adapterDropoutIsSeededAndOnlyInsideItsScope() {
        return perFixture(dir -> {
            HfConfig config = HfConfig.read(dir);
            Map<String, float[]> w = weights(dir);
            LoraSpec dropped = new LoraSpec(4, 8.0, 0.3, LoraSpec.TARGETS);
            try (HfDecoder lora = HfDecoder.withAdapters(config, w, dropped, randomAdapters(config, 3), 0,
                    Device.cpu(), false, 16);
                 HfDecoder plain = HfDecoder.withAdapters(config, w, LORA, randomAdapters(config, 3), 0,
                         Device.cpu(), false, 16)) {
                float[] without = logits(plain);
                assertArrayEquals(without, logits(lora), "outside dropout(seed): no dropout");
                float[] a;
                float[] b;
                float[] c;
                try (var d = lora.dropout(11)) {
                    a = logits(lora);
                    b = logits(lora);
                }
                try (var d = lora.dropout(12)) {
                    c = logits(lora);
                }
                assertArrayEquals(a, b, "the same seed draws the same masks");
                assertFalse(java.util.Arrays.equals(a, c), "another seed draws other masks");
                assertFalse(java.util.Arrays.equals(a, without), "dropout changes the adapted model");
                assertArrayEquals(without, logits(lora), "the scope closed: no dropout again");
                try (var d = plain.dropout(11)) {
                    assertArrayEquals(without, logits(plain), "dropout 0: dropout(seed) changes nothing");
                }
            }
        });
    }

    /**
     * The mask keeps each value with probability 1 - p, scaled by 1 / (1 - p), and a value's draw depends on its
     * batch row, not on which rows are computed together.
     */
    @org.junit.jupiter.api.Test
    void dropoutMasksKeepOneMinusPAndDependOnTheGlobalRow() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.zeros(new Shape(4, 64, 256));
            float[] mask = LoraDropout.mask(x, 0.25, 99, 3, 2, 0).toFloatArray();
            long kept = 0;
            for (float v : mask) {
                if (v != 0f) {
                    assertEquals(1f / 0.75f, v, 1e-6f);
                    kept++;
                }
            }
            // 65,536 draws: the kept fraction's standard deviation is 0.0017.
            assertEquals(0.75, (double) kept / mask.length, 0.01, "kept fraction");
            float[] rows23 = LoraDropout.mask(m.zeros(new Shape(2, 64, 256)), 0.25, 99, 3, 2, 2).toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(mask, 2 * 64 * 256, 4 * 64 * 256), rows23);
            float[] otherLayer = LoraDropout.mask(x, 0.25, 99, 4, 2, 0).toFloatArray();
            float[] otherTarget = LoraDropout.mask(x, 0.25, 99, 3, 3, 0).toFloatArray();
            double agreeLayer = 0;
            double agreeTarget = 0;
            for (int i = 0; i < mask.length; i++) {
                agreeLayer += (mask[i] == 0) == (otherLayer[i] == 0) ? 1 : 0;
                agreeTarget += (mask[i] == 0) == (otherTarget[i] == 0) ? 1 : 0;
            }
            // Independent masks agree on 0.75^2 + 0.25^2 = 62.5% of the values.
            assertEquals(0.625, agreeLayer / mask.length, 0.01, "another layer's mask is independent");
            assertEquals(0.625, agreeTarget / mask.length, 0.01, "another projection's mask is independent");
            // Neighbouring values are independent too: adjacent features agree as often as independent draws.
            double agreeNext = 0;
            for (int i = 0; i + 1 < mask.length; i++) {
                agreeNext += (mask[i] == 0) == (mask[i + 1] == 0) ? 1 : 0;
            }
            assertEquals(0.625, agreeNext / (mask.length - 1), 0.01, "adjacent features");
        }
    }
}
