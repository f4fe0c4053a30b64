package dev.forkpoint.rollout.task;

import dev.forkpoint.rollout.seed.SeedMixer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Train and evaluation splits of a generated task, both fixed by one seed and disjoint by
 * {@link ProblemGenerator#identity}.
 *
 * <p>The evaluation set is the first {@code evalSize} distinct draws of the eval stream, built once.
 * Train problem {@code i} is drawn from its own random stream seeded by (seed, i, attempt), re-drawn
 * while its identity is in the evaluation set; so it depends only on the seed and {@code i} (a data
 * cursor is one long) and never equals an evaluation problem.
 */
public final class SeededSplits {

    /** Train re-draws before concluding the evaluation set covers the problem space. */
    private static final int MAX_TRAIN_ATTEMPTS = 10_000;

    private static final long TRAIN_STREAM = 0x7472_6169_6eL;
    private static final long EVAL_STREAM = 0x6576_616cL;

    private final ProblemGenerator generator;
    private final long seed;
    private final List<Problem> eval;
    private final Set<String> evalIdentities;

    public SeededSplits(ProblemGenerator generator, long seed, int evalSize) {
        this.generator = generator;
        this.seed = seed;
        this.eval = new ArrayList<>(evalSize);
        this.evalIdentities = new HashSet<>();
        SplittableRandom rng = new SplittableRandom(SeedMixer.mix(seed, EVAL_STREAM, 0, 0));
        long attempts = 0;
        long maxAttempts = 1000L + 100L * evalSize;
        while (eval.size() < evalSize) {
            if (++attempts > maxAttempts) {
                throw ConfigFields.invalid("evalSize", evalSize, "only " + eval.size()
                        + " distinct problems found in " + maxAttempts + " draws; the problem space is too small");
            }
            Problem p = generator.generate(rng, Split.EVAL.label() + ":" + eval.size());
            if (evalIdentities.add(generator.identity(p))) {
                eval.add(p);
            }
        }
    }

    public long size(Split split) {
        return split == Split.EVAL ? eval.size() : Long.MAX_VALUE;
    }

    public Problem problem(Split split, long index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException(split.label() + " index " + index + " < 0");
        }
        if (split == Split.EVAL) {
            if (index >= eval.size()) {
                throw new IndexOutOfBoundsException("eval index " + index + " >= evalSize " + eval.size());
            }
            return eval.get((int) index);
        }
        String id = Split.TRAIN.label() + ":" + index;
        for (int attempt = 0; attempt < MAX_TRAIN_ATTEMPTS; attempt++) {
            Problem p = generator.generate(new SplittableRandom(SeedMixer.mix(seed, TRAIN_STREAM, index, attempt)), id);
            if (!evalIdentities.contains(generator.identity(p))) {
                return p;
            }
        }
        throw new IllegalStateException("train problem " + index + ": " + MAX_TRAIN_ATTEMPTS
                + " draws all fell in the evaluation set; lower task.evalSize or widen the ranges");
    }

}
