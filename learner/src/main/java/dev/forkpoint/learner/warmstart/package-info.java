/**
 * Warm start: supervised fine-tuning (SFT) of the built-in policy on the tasks' worked solutions, so that RL
 * starts from a base policy that already solves part of the task.
 *
 * <p>{@link dev.forkpoint.learner.warmstart.WarmStart} trains next-token cross-entropy on
 * {@code bos + prompt + workedSolution + eos} with the loss on the response and eos only
 * ({@link dev.forkpoint.learner.warmstart.SupervisedBatch}), evaluates greedy accuracy on the held-out split
 * ({@link dev.forkpoint.learner.warmstart.GreedyEvaluation}) and saves a base checkpoint;
 * {@link dev.forkpoint.learner.cli.WarmStartCommand} is its command line, {@code forkpoint warm-start} (docs/warm-start.md).
 */
package dev.forkpoint.learner.warmstart;
