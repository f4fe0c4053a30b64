package dev.forkpoint.rollout.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.batch.LocalRollout;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.batch.RolloutCall;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.hf.HfModelDirectory;
import dev.forkpoint.rollout.hf.LoraSpec;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers serve Hugging Face models too, with and without LoRA adapters: per fixture, a sharded rollout sampled by
 * in-process workers from the published checkpoint equals the local backend's with the same shards, bit for bit.
 */
class HfClusterRolloutTest {

    private static final String TASK = "{\"name\": \"countdown\", \"numbers\": 3}";

    @TempDir
    Path scratch;

    @TestFactory
    Stream<DynamicTest> workersSampleEveryFixtureAsTheTrainerDoes() {
        return HfModelFixtures.folders().stream().flatMap(dir -> Stream.of(false, true).map(lora ->
                DynamicTest.dynamicTest(dir.getFileName() + (lora ? " with LoRA" : ""), dir.toUri(),
                        () -> check(dir, lora))));
    }

    private void check(Path dir, boolean lora) {
        HfModelDirectory.Loaded hf = lora
                ? HfModelDirectory.loadWithAdapters(dir, Device.cpu(), 96, new LoraSpec(4, 8, 0, LoraSpec.TARGETS), 3)
                : HfModelDirectory.load(dir, Device.cpu(), 96, true);
        try (hf) {
            RolloutWorker local = new RolloutWorker(hf.policy(), hf.tokenizer(), Tasks.create(Tasks.parse(TASK)));
            SamplingConfig s = new SamplingConfig(10, hf.tokenizer().stopIds(), hf.tokenizer().padId(), 1.0, 9, true);
            RolloutCall call = new RolloutCall(1, 0, 0, 0, 5, 2, s, new FixedTemperature(1.0));
            ClusterRolloutTest.FakeCluster cluster = new ClusterRolloutTest.FakeCluster(scratch, "a", "b");
            ClusterSettings settings = new ClusterSettings("test", List.of("127.0.0.1:1"), "127.0.0.1", 5701, 1, 2,
                    Duration.ofSeconds(60), null);
            try (ClusterRollout backend = new ClusterRollout(cluster, settings, "hf", TASK, "cpu", local,
                    file -> PolicyCheckpoint.save(file, hf.policy(), hf.tokenizer()), scratch.resolve("trainer"));
                 NDManager m = NDManager.newBaseManager()) {
                RolloutBatch expected = new LocalRollout(local, 2).rollout(call, m);
                ClusterRolloutTest.assertSameBatch(expected, backend.rollout(call, m));
                assertEquals(3, cluster.calls.get());
            }
        }
    }
}
