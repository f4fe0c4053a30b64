package dev.forkpoint.learner.loop;

/**
 * How one rollout batch is optimised (docs/architecture.md, "One training step", 4).
 *
 * @param ppoEpochs   passes over the rollout batch, each in a fresh seeded order
 * @param miniBatches optimiser steps per pass; rows are split as evenly as possible (fewer when the batch has
 *                    fewer rows, e.g. after dynamic sampling)
 * @param maxGradNorm global gradient-norm clip applied before every AdamW step
 * @param runSeed     the run seed the shuffles and the objective's random choices derive from
 * @param logitChunkTokens tokens per chunk of the head's log-probabilities and their backward
 *                    ({@link dev.forkpoint.rollout.policy.ChunkedHead}); null = automatic, 0 = one full pass
 * @param gradientCheckpointing recompute each decoder layer in the backward; null = where the policy can
 */
public record UpdateSettings(int ppoEpochs, int miniBatches, double maxGradNorm, long runSeed,
                             Integer logitChunkTokens, Boolean gradientCheckpointing) {

    /** Settings with the automatic logit chunking and gradient checkpointing. */
    public UpdateSettings(int ppoEpochs, int miniBatches, double maxGradNorm, long runSeed) {
        this(ppoEpochs, miniBatches, maxGradNorm, runSeed, null, null);
    }

    public UpdateSettings {
        if (ppoEpochs < 1) {
            throw new IllegalArgumentException("training.ppoEpochs = " + ppoEpochs + ": must be >= 1");
        }
        if (miniBatches < 1) {
            throw new IllegalArgumentException("training.miniBatches = " + miniBatches + ": must be >= 1");
        }
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("training.gradClip = " + maxGradNorm + ": must be > 0");
        }
        if (logitChunkTokens != null && logitChunkTokens < 0) {
            throw new IllegalArgumentException("training.logitChunkTokens = " + logitChunkTokens + ": must be >= 0");
        }
    }

    /**
     * Tokens per chunk of the head for a policy with vocabulary {@code vocab}: all of them in one chunk when only
     * gradient checkpointing is on, 0 for the plain path (neither).
     */
    public int chunkTokens(long vocab) {
        int chunk = logitChunkTokens == null ? dev.forkpoint.rollout.policy.ChunkedHead.autoChunk(vocab)
                : logitChunkTokens;
        return chunk > 0 ? chunk : recompute() ? Integer.MAX_VALUE : 0;
    }

    /** Whether the update recomputes layers in the backward (where the policy can). */
    public boolean recompute() {
        return gradientCheckpointing == null || gradientCheckpointing;
    }
}
