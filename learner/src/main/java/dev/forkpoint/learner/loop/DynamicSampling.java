package dev.forkpoint.learner.loop;

import dev.forkpoint.learner.shaping.DynamicSamplingFilter;
import dev.forkpoint.rollout.batch.RolloutBatch;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * DAPO dynamic sampling with a bound (docs/algorithms.md section 2): draws prompt batches, keeps the groups whose
 * accuracies are not all equal, until {@code targetGroups} groups survive or {@code maxGenBatches} batches were
 * drawn; then proceeds with what survived (possibly nothing) instead of raising like the released DAPO. It
 * therefore draws at most {@code maxGenBatches} batches whatever the verifier returns: it cannot hang.
 */
public final class DynamicSampling {

    private DynamicSampling() {
    }

    /**
     * What a step trains on.
     *
     * @param batch      the training batch: surviving groups, at most {@code targetGroups}, renumbered
     * @param drawn      every rollout sampled this step, filtered or not (what rollout statistics describe)
     * @param genBatches prompt batches drawn (each consumed {@code promptsPerStep} problems of the data cursor)
     */
    public record Collected(RolloutBatch batch, RolloutBatch drawn, int genBatches) {
        /** Groups the filter kept over all drawn batches, before trimming to the target. */
        public int survivingGroups() {
            return batch.groupCount();
        }
    }

    /** No filtering: one batch, trained on as drawn. */
    public static Collected single(IntFunction<RolloutBatch> draw) {
        RolloutBatch b = draw.apply(0);
        return new Collected(b, b, 1);
    }

    /**
     * @param draw          draws generation batch {@code g} (0-based) of this step
     * @param targetGroups  groups wanted ({@code promptsPerStep})
     * @param maxGenBatches most batches drawn, >= 1
     */
    public static Collected collect(IntFunction<RolloutBatch> draw, int targetGroups, int maxGenBatches) {
        if (maxGenBatches < 1) {
            throw new IllegalArgumentException("maxGenBatches = " + maxGenBatches + ": must be >= 1");
        }
        RolloutBatch kept = RolloutBatch.empty();
        RolloutBatch drawn = RolloutBatch.empty();
        int g = 0;
        while (g < maxGenBatches && kept.groupCount() < targetGroups) {
            RolloutBatch b = draw.apply(g++);
            drawn = drawn.concat(b);
            boolean[] keep = DynamicSamplingFilter.keepGroups(b.groups(), b.accuracies());
            kept = kept.concat(b.selectGroups(keep, Integer.MAX_VALUE));
        }
        boolean[] all = new boolean[kept.groupCount()];
        Arrays.fill(all, true);
        return new Collected(kept.selectGroups(all, targetGroups), drawn, g);
    }
}
