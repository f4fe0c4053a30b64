package dev.forkpoint.rollout.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.policy.AutogradScalar;
import dev.forkpoint.rollout.policy.GradModeOff;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.safetensors.SafetensorsFile;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Hugging Face decoder against each fixture's reference outputs (testdata/README.md), one container per fixture
 * folder named after it: logits on the unpadded positions within {@code 1e-4 + 1e-5 max|logit|}, the NLL within
 * 1e-5 relative, every reference gradient within 1e-3 of its tensor's largest entry, six greedy tokens through the
 * KV cache equal to the reference's, and the cached logits of every decoding step equal to a full recomputation.
 */
class HfDecoderParityTest {

    @TestFactory
    Stream<DynamicContainer> everyFixtureMatchesItsReference() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicContainer.dynamicContainer(
                dir.getFileName().toString(), dir.toUri(), Stream.of(
                        DynamicTest.dynamicTest("logits", () -> logits(dir)),
                        DynamicTest.dynamicTest("nll and gradients", () -> nllAndGradients(dir)),
                        DynamicTest.dynamicTest("greedy with KV cache", () -> greedy(dir)))));
    }

    private record Reference(long[] ids, long[] mask, int rows, int cols) {
        static Reference of(SafetensorsFile ref) {
            long[] shape = ref.entry("input_ids").shape();
            return new Reference(ref.longs("input_ids"), ref.longs("attention_mask"), (int) shape[0], (int) shape[1]);
        }

        NDArray tokens(NDManager m) {
            return m.create(ids, new Shape(rows, cols));
        }

        NDArray keyMask(NDManager m) {
            return m.create(mask, new Shape(rows, cols));
        }
    }

    private static void logits(Path dir) {
        try (HfDecoder model = HfDecoder.load(dir, Device.cpu(), false);
             SafetensorsFile file = SafetensorsFile.open(dir.resolve("reference.safetensors"));
             NDManager m = NDManager.newBaseManager(Device.cpu());
             GradModeOff off = new GradModeOff()) {
            Reference r = Reference.of(file);
            float[] want = file.floats("logits");
            float[] got = model.forward(r.tokens(m), r.keyMask(m), null).toFloatArray();
            int vocab = model.vocabSize();
            double tol = 1e-4 + 1e-5 * maxAbs(want);
            for (int row = 0; row < r.rows(); row++) {
                for (int t = 0; t < r.cols(); t++) {
                    if (r.mask()[row * r.cols() + t] == 0) {
                        continue; // undefined at padding (testdata/README.md)
                    }
                    for (int v = 0; v < vocab; v++) {
                        int i = (row * r.cols() + t) * vocab + v;
                        if (Math.abs(got[i] - want[i]) > tol) {
                            fail(dir.getFileName() + ": logit [" + row + ", " + t + ", " + v + "] = " + got[i]
                                    + ", reference " + want[i] + " (tolerance " + tol + ")");
                        }
                    }
                }
            }
        }
    }

    private static void nllAndGradients(Path dir) {
        try (HfDecoder model = HfDecoder.load(dir, Device.cpu(), true);
             SafetensorsFile file = SafetensorsFile.open(dir.resolve("reference.safetensors"));
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Reference r = Reference.of(file);
            float nll;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                Policy.TokenScores s = model.score(r.tokens(m), r.keyMask(m));
                NDArray km = r.keyMask(m).toType(DataType.FLOAT32, false);
                NDArray pairs = km.get(new NDIndex(":, :-1")).mul(km.get(new NDIndex(":, 1:")));
                float count = pairs.sum().getFloat();
                NDArray loss = s.logProbs().mul(pairs).sum().neg();
                loss = loss.mul(AutogradScalar.of(loss, 1.0 / count));
                gc.backward(loss);
                nll = loss.getFloat();
            }
            float wantNll = file.floats("nll")[0];
            assertEquals(wantNll, nll, 1e-5 * Math.abs(wantNll), dir.getFileName() + ": nll");
            int checked = 0;
            for (Map.Entry<String, SafetensorsFile.Entry> e : file.entries().entrySet()) {
                if (!e.getKey().startsWith("grad.")) {
                    continue;
                }
                String name = e.getKey().substring("grad.".length());
                NDArray p = model.parameters().get(name);
                assertTrue(p != null, dir.getFileName() + ": the model has no parameter " + name);
                float[] want = file.floats(e.getKey());
                float[] got;
                try (NDArray g = p.getGradient()) {
                    got = g.toFloatArray();
                }
                double tol = 1e-3 * maxAbs(want);
                for (int i = 0; i < want.length; i++) {
                    if (Math.abs(got[i] - want[i]) > tol) {
                        fail(dir.getFileName() + ": d nll / d " + name + "[" + i + "] = " + got[i] + ", reference "
                                + want[i] + " (tolerance " + tol + ")");
                    }
                }
                checked++;
            }
            assertTrue(checked > 0, dir.getFileName() + ": no grad.* tensor in the reference");
        }
    }

    private static void greedy(Path dir) {
        try (HfDecoder model = HfDecoder.load(dir, Device.cpu(), false);
             SafetensorsFile file = SafetensorsFile.open(dir.resolve("reference.safetensors"));
             NDManager m = NDManager.newBaseManager(Device.cpu());
             GradModeOff off = new GradModeOff()) {
            Reference r = Reference.of(file);
            long[] wantIds = file.longs("greedy_ids");
            int newTokens = (int) file.entry("greedy_ids").shape()[1];
            int total = r.cols() + newTokens;
            long[] seq = new long[r.rows() * total];
            long[] mask = new long[r.rows() * total];
            for (int row = 0; row < r.rows(); row++) {
                for (int t = 0; t < total; t++) {
                    seq[row * total + t] = t < r.cols() ? r.ids()[row * r.cols() + t] : 0;
                    mask[row * total + t] = t < r.cols() ? r.mask()[row * r.cols() + t] : 1;
                }
            }
            long[] got = new long[r.rows() * newTokens];
            try (KvCache cache = model.newCache(m, r.rows(), total)) {
                NDArray logits = model.forward(r.tokens(m), r.keyMask(m), cache);
                for (int step = 0; step < newTokens; step++) {
                    long[] next = logits.get(new NDIndex(":, -1, :")).argMax(-1).toLongArray();
                    int length = r.cols() + step;
                    for (int row = 0; row < r.rows(); row++) {
                        got[row * newTokens + step] = next[row];
                        seq[row * total + length] = next[row];
                    }
                    // The cached step's logits equal a full recomputation over the sequence so far.
                    NDArray full = model.forward(prefix(m, seq, r.rows(), total, length),
                            prefix(m, mask, r.rows(), total, length), null);
                    assertClose(full.get(new NDIndex(":, -1, :")).toFloatArray(),
                            logits.get(new NDIndex(":, -1, :")).toFloatArray(), dir + " step " + step);
                    if (step + 1 < newTokens) {
                        logits = model.forward(m.create(next, new Shape(r.rows(), 1)),
                                prefix(m, mask, r.rows(), total, length + 1), cache);
                    }
                }
            }
            assertArrayEquals(wantIds, got, dir.getFileName() + ": greedy ids through the KV cache");
        }
    }

    private static NDArray prefix(NDManager m, long[] values, int rows, int width, int length) {
        long[] out = new long[rows * length];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(values, row * width, out, row * length, length);
        }
        return m.create(out, new Shape(rows, length));
    }

    private static void assertClose(float[] want, float[] got, String what) {
        double tol = 1e-4 + 1e-5 * maxAbs(want);
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(want[i] - got[i]) > tol) {
                fail(what + ": cached logit " + got[i] + " != recomputed " + want[i] + " at " + i);
            }
        }
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
