package dev.forkpoint.rollout.task;

/**
 * A task whose problems come from a {@link ProblemGenerator}: both splits are {@link SeededSplits} of it, fixed by
 * the task's seed and evaluation size. Subclasses give the name, the verifier and the worked solution.
 */
public abstract class GeneratedTask implements Task {

    private final SeededSplits splits;

    protected GeneratedTask(ProblemGenerator generator, long seed, int evalSize) {
        this.splits = new SeededSplits(generator, seed, evalSize);
    }

    @Override
    public final long size(Split split) {
        return splits.size(split);
    }

    @Override
    public final Problem problem(Split split, long index) {
        return splits.problem(split, index);
    }
}
