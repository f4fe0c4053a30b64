package dev.forkpoint.rollout.cluster;

import java.io.Serializable;

/**
 * One published version of a run's policy: a policy checkpoint (model, weights and tokenizer in one file), either
 * cut into {@code chunks} entries of the cluster's weight store or written at {@code path}, with the SHA-256 of the
 * whole so that a worker never samples from a torn or mixed copy.
 *
 * @param runId   the publishing run (a trainer process may publish several)
 * @param version updates applied to the policy ({@code RolloutCall.weightVersion})
 * @param path    null: the bytes are in the cluster's store; else a checkpoint file every worker can read
 */
public record WeightManifest(String runId, long version, int chunks, long bytes, String sha256, String path)
        implements Serializable {

    /** Store key of chunk {@code i}. */
    public String chunkKey(int i) {
        return chunkKey(runId, version, i);
    }

    public static String chunkKey(String runId, long version, int i) {
        return runId + "/" + version + "/" + i;
    }
}
