package dev.forkpoint.analytics.input;

/**
 * Which entropy a batch carries (docs/algorithms.md notation): {@code ROLLOUT} holds {@code H_old}, recorded by the
 * sampler under the rollout policy; {@code UPDATE} holds {@code H} of the current policy, recomputed by the learner.
 */
public enum Phase {
    ROLLOUT,
    UPDATE
}
