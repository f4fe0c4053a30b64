package dev.forkpoint.rollout.batch;

import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * {@code rollout.backend = local}: the trainer's own {@link RolloutWorker} samples every rollout, on its policy. With a
 * shard size it samples a batch as consecutive generations of that many prompt groups, each padded to the whole
 * batch's prompt width: exactly the shards the cluster backend sends to workers. The shape of a generation decides the
 * last bits of its log-probabilities (matrix kernels tile rows by batch size), so the same shard size is what makes a
 * run give the same rollouts on either backend.
 */
public final class LocalRollout implements RolloutBackend {

    private final RolloutWorker worker;
    private final int shardPrompts;

    /** @param shardPrompts prompt groups per generation; 0: each batch in one generation */
    public LocalRollout(RolloutWorker worker, int shardPrompts) {
        this.worker = worker;
        this.shardPrompts = shardPrompts;
    }

    @Override
    public RolloutBatch rollout(RolloutCall call, NDManager manager) {
        if (shardPrompts <= 0 || shardPrompts >= call.prompts()) {
            return worker.rollout(call.cursor(), call.prompts(), call.groupSize(), call.sampling(),
                    call.temperature(), manager);
        }
        int width = worker.promptWidth(call.cursor(), call.prompts());
        RolloutBatch joined = null;
        for (int first = 0; first < call.prompts(); first += shardPrompts) {
            RolloutBatch shard = worker.rolloutShard(call.cursor(), first, Math.min(shardPrompts,
                    call.prompts() - first), call.groupSize(), call.sampling(), call.temperature(), manager, width);
            joined = joined == null ? shard : joined.concat(shard);
        }
        return joined;
    }

    @Override
    public Map<String, Double> drainMetrics() {
        return Map.of();
    }

    @Override
    public void close() {
        // the worker and its policy belong to the run
    }
}
