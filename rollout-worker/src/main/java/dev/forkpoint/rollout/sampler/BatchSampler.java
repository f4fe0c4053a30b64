package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.policy.Policy;

/**
 * Batched generation from a {@link Policy}: prompts of different lengths are left-padded, prefilled once,
 * then decoded one position per step with the KV cache (or, for the benchmark's baseline, by recomputing
 * the whole prefix). Per-token temperature comes from a {@link TemperatureRule}; every generated token
 * gets its id, T=1 log-probability, T=1 entropy and temperature recorded (docs/algorithms.md section 4).
 */
public final class BatchSampler {

    private final Policy policy;

    public BatchSampler(Policy policy) {
        this.policy = policy;
    }

    /**
     * Generates until every row has sampled a stop token or {@code maxNewTokens} tokens.
     *
     * @param manager arrays of the generation live in a sub-manager of it, closed before returning
     */
    public SampleBatch generate(int[][] prompts, SamplingConfig config, TemperatureRule temperature,
                                NDManager manager) {
        return generate(prompts, config, temperature, manager, 0);
    }

    /**
     * Generates rows {@code firstRow, firstRow + 1, ...} of the generation seeded {@code config.seed()}: each row
     * draws the sampling noise it draws in the whole generation, so shards of a generation, sampled apart (on
     * other machines), give the whole one's samples wherever the policy's logits of a row do not depend on its
     * batch.
     */
    public SampleBatch generate(int[][] prompts, SamplingConfig config, TemperatureRule temperature,
                                NDManager manager, long firstRow) {
        return generate(prompts, config, temperature, manager, firstRow, 0);
    }

    /**
     * As {@link #generate(int[][], SamplingConfig, TemperatureRule, NDManager, long)}, the prompts left-padded to at
     * least {@code promptWidth} columns. A shard padded to its whole generation's width computes every row on the
     * same positions as the whole generation does; with a narrower padding the attention's sums run over other
     * lane alignments and the log-probabilities differ in the last bits (measured: 30% of the rows of a 64-prompt
     * countdown rollout cut into 8 shards), so the width is part of what makes a sharded rollout bit-identical.
     */
    public SampleBatch generate(int[][] prompts, SamplingConfig config, TemperatureRule temperature,
                                NDManager manager, long firstRow, int promptWidth) {
        try (Decoding decoding = new Decoding(policy, prompts, config, temperature, manager, firstRow, promptWidth)) {
            while (!decoding.isFinished()) {
                decoding.step();
            }
            return decoding.result();
        }
    }

    /** A generation advanced one token per {@link Decoding#step()}; the caller closes it. */
    public Decoding start(int[][] prompts, SamplingConfig config, TemperatureRule temperature, NDManager manager) {
        return new Decoding(policy, prompts, config, temperature, manager, 0, 0);
    }
}
