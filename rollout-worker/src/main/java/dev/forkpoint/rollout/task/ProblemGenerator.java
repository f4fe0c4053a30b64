package dev.forkpoint.rollout.task;

import java.util.SplittableRandom;

/** Draws one random problem of a generated task; {@link SeededSplits} decides which draws go where. */
public interface ProblemGenerator {

    /** A problem drawn with {@code rng} only, so that the same generator state gives the same problem. */
    Problem generate(SplittableRandom rng, String id);

    /**
     * Identity of a problem for split disjointness: two problems with the same key count as the same
     * problem (countdown: the sorted numbers and the target, so "3 5 2=16:" and "5 2 3=16:" collide).
     */
    String identity(Problem problem);
}
