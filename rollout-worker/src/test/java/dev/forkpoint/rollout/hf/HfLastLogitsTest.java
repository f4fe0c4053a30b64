package dev.forkpoint.rollout.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The sampler's prefill takes the head on the last position only ({@code lastLogits}): per fixture folder, named
 * after it, its logits equal the last position of the full forward's, with left padding, with and without a KV
 * cache, and the cached step after it is unchanged.
 */
class HfLastLogitsTest {

    @TestFactory
    Stream<DynamicTest> lastLogitsAreTheFullForwardsLastPosition() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> check(dir)));
    }

    private static void check(Path dir) {
        try (HfDecoder model = HfDecoder.load(dir, Device.cpu(), false);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long[] ids = {5, 17, 33, 2, 90, 41, 0, 0, 7, 8, 9, 10};
            NDArray tokens = m.create(ids, new Shape(2, 6));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1}, new Shape(2, 6));
            float[] full = model.forward(tokens, mask, null).get(new NDIndex(":, -1, :")).toFloatArray();
            NDArray last = model.lastLogits(tokens, mask, null);
            assertEquals(new Shape(2, model.vocabSize()), last.getShape());
            assertClose(full, last.toFloatArray(), "without a cache");

            KvCache a = model.newCache(m, 2, 8);
            KvCache b = model.newCache(m, 2, 8);
            assertClose(model.forward(tokens, mask, a).get(new NDIndex(":, -1, :")).toFloatArray(),
                    model.lastLogits(tokens, mask, b).toFloatArray(), "prefill into a cache");
            NDArray next = m.create(new long[] {3, 4}, new Shape(2, 1));
            NDArray mask7 = mask.concat(m.ones(new Shape(2, 1), mask.getDataType()), 1);
            assertArrayEquals(model.forward(next, mask7, a).toFloatArray(),
                    model.lastLogits(next, mask7, b).toFloatArray(), "the cached step after it");
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        float max = 0;
        for (float v : want) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1, max), what + " [" + i + "]");
        }
    }
}
