package dev.forkpoint.rollout.cluster;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.device.DeviceSelection;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollout worker's work, whatever the engine: keeps the policy of the last weight version it was asked for, loads
 * a new version (verified against its SHA-256) on the first shard that names it, and samples shards with
 * {@link RolloutWorker#rolloutShard}. One shard at a time.
 */
public final class ShardRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardRunner.class);

    /** Where a worker reads published checkpoint bytes. */
    public interface WeightStore {
        /** The chunks of {@code manifest}, or null for a chunk that is not (or no longer) stored. */
        byte[] chunk(WeightManifest manifest, int index);
    }

    private final String workerId;
    private final WeightStore store;
    private final Path scratch;

    private String loadedRun;
    private long loadedVersion = -1;
    private PolicyCheckpoint.Loaded loaded;
    private String taskJson;
    private Task task;
    private RolloutWorker worker;
    private NDManager manager;

    /** @param scratch directory for the checkpoint file a version is loaded from (deleted after loading) */
    public ShardRunner(String workerId, WeightStore store, Path scratch) {
        this.workerId = workerId;
        this.store = store;
        this.scratch = scratch;
    }

    public synchronized ShardResult run(ShardTask t) {
        if (!ForkpointVersion.get().equals(t.forkpointVersion())) {
            String m = "worker " + workerId + " (Forkpoint " + ForkpointVersion.get() + ") refuses " + t.describe()
                    + " from a trainer of Forkpoint " + t.forkpointVersion() + ": run the same build on both";
            log.error(m);
            throw new IncompatibleVersionException(m);
        }
        long t0 = System.nanoTime();
        double fetch = 0;
        if (!t.runId().equals(loadedRun) || t.weights().version() != loadedVersion) {
            load(t);
            fetch = (System.nanoTime() - t0) / 1e9;
        }
        if (!t.taskJson().equals(taskJson)) {
            task = Tasks.create(Tasks.parse(t.taskJson()));
            taskJson = t.taskJson();
            worker = new RolloutWorker(loaded.policy(), loaded.tokenizer(), task);
        }
        RolloutBatch batch = worker.rolloutShard(t.cursor(), t.firstPrompt(), t.prompts(), t.groupSize(),
                t.sampling(), t.temperature().rule(), manager, t.promptWidth());
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.debug("{}: {} rows in {} s", t.describe(), batch.size(), seconds);
        return new ShardResult(workerId, batch, seconds, fetch);
    }

    private void load(ShardTask t) {
        WeightManifest m = t.weights();
        Path file;
        boolean temporary = m.path() == null;
        try {
            if (temporary) {
                file = Files.createTempFile(scratch, "weights-", ".fpckpt");
                MessageDigest digest = CheckpointFiles.newDigest();
                try (var out = Files.newOutputStream(file)) {
                    long total = 0;
                    for (int i = 0; i < m.chunks(); i++) {
                        byte[] chunk = store.chunk(m, i);
                        if (chunk == null) {
                            throw new WeightsUnavailableException("worker " + workerId + ": chunk " + i + " of "
                                    + m.chunks() + " of run " + m.runId() + " weights v" + m.version()
                                    + " is not in the cluster (published, then lost with a member?)");
                        }
                        digest.update(chunk);
                        out.write(chunk);
                        total += chunk.length;
                    }
                    if (total != m.bytes()) {
                        throw new WeightsUnavailableException("worker " + workerId + ": run " + m.runId()
                                + " weights v" + m.version() + " have " + total + " bytes, the manifest says "
                                + m.bytes());
                    }
                }
                check(m, HexFormat.of().formatHex(digest.digest()));
            } else {
                file = Path.of(m.path());
                if (!Files.isReadable(file)) {
                    throw new WeightsUnavailableException("worker " + workerId + ": cannot read " + file
                            + " (rollout.cluster.weightsPath must be a directory every worker can read)");
                }
                check(m, CheckpointFiles.sha256(file));
            }
            closeModel();
            NDManager fresh = NDManager.newBaseManager();
            Device device = DeviceSelection.resolve(t.device());
            try {
                loaded = PolicyCheckpoint.load(file, device);
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
            manager = fresh;
            loadedRun = m.runId();
            loadedVersion = m.version();
            if (temporary) {
                Files.deleteIfExists(file);
            }
            taskJson = null; // rebuilt on the new policy
            log.info("worker {}: loaded run {} weights v{} ({} MB) on {}", workerId, m.runId(), m.version(),
                    String.format(java.util.Locale.ROOT, "%.1f", m.bytes() / 1e6), device);
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + workerId + ": loading run " + m.runId() + " weights v"
                    + m.version(), e);
        }
    }

    private void check(WeightManifest m, String sha) {
        if (!sha.equals(m.sha256())) {
            throw new WeightsUnavailableException("worker " + workerId + ": run " + m.runId() + " weights v"
                    + m.version() + " have SHA-256 " + sha + ", published as " + m.sha256());
        }
    }

    private void closeModel() {
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
        if (manager != null) {
            manager.close();
            manager = null;
        }
        loadedRun = null;
        loadedVersion = -1;
        worker = null;
    }

    @Override
    public synchronized void close() {
        closeModel();
    }
}
