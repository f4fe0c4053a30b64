package dev.forkpoint.rollout.task;

/**
 * A validated task configuration; {@link Tasks#parse} builds one from the run config's {@code task}
 * section and {@link Tasks#create} turns it into a {@link Task}.
 */
public interface TaskConfig {

    /** The registry key, the config's {@code name}. */
    String name();

    /** Fixes both splits: the same seed gives the same problems, another seed other problems. */
    long seed();
}
