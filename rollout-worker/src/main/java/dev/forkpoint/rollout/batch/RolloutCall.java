package dev.forkpoint.rollout.batch;

import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.sampler.TemperatureRule;

/**
 * One generation batch of a training step, as a {@link RolloutBackend} takes it: everything that decides its samples.
 *
 * @param step          the training step (1-based)
 * @param genBatch      the generation batch within the step (dynamic sampling draws several), from 0
 * @param weightVersion the policy's version: the number of updates applied to it by this run (a resumed run counts on)
 * @param cursor        train problem of the first prompt
 * @param prompts       prompts in the batch
 * @param groupSize     responses per prompt
 * @param sampling      max new tokens, stop ids, top-p and this batch's seed
 * @param temperature   the per-token temperature, fixed for the whole batch
 */
public record RolloutCall(int step, int genBatch, long weightVersion, long cursor, int prompts, int groupSize,
                          SamplingConfig sampling, TemperatureRule temperature) {}
