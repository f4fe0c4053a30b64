package dev.forkpoint.rollout.sampler;

import java.util.Arrays;

/**
 * How one batch is generated. Temperature is not here: it comes from a {@link TemperatureRule}
 * ({@link FixedTemperature} for evaluation, {@link AdaptiveTemperature} for HAPO training rollouts).
 *
 * @param maxNewTokens most tokens generated per row (the stop token, when sampled, counts as one)
 * @param stopTokenIds ids that end a row when sampled: the tokenizer's eos plus any configured ids; the
 *                     stop token itself is recorded (it gets an {@code olp} and enters the response mask)
 * @param padId        id fed for left padding and for rows that have finished (always masked out)
 * @param topP         nucleus mass in (0, 1]; 1 disables top-p. Applied after the temperature, as in HF
 * @param seed         seed of the Gumbel noise: the same seed, policy and prompts give the same samples
 * @param useKvCache   true: prefill once and decode one position per step with the KV cache; false:
 *                     recompute the whole prefix every step (the benchmark's baseline)
 */
public record SamplingConfig(int maxNewTokens, int[] stopTokenIds, int padId, double topP, long seed,
                             boolean useKvCache) implements java.io.Serializable {

    public SamplingConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("sampling.maxNewTokens = " + maxNewTokens + ": must be at least 1");
        }
        if (stopTokenIds == null) {
            throw new IllegalArgumentException("sampling.stopTokenIds: must not be null (use an empty array)");
        }
        for (int id : stopTokenIds) {
            if (id < 0) {
                throw new IllegalArgumentException("sampling.stopTokenIds contains " + id + ": ids are >= 0");
            }
        }
        if (padId < 0) {
            throw new IllegalArgumentException("sampling.padId = " + padId + ": must be >= 0");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("sampling.topP = " + topP + ": must be in (0, 1]");
        }
        stopTokenIds = stopTokenIds.clone();
    }

    /** Training rollouts: KV cache on, no top-p, stop at {@code eosId}. */
    public static SamplingConfig of(int maxNewTokens, int eosId, int padId, long seed) {
        return new SamplingConfig(maxNewTokens, new int[] {eosId}, padId, 1.0, seed, true);
    }

    public SamplingConfig withSeed(long newSeed) {
        return new SamplingConfig(maxNewTokens, stopTokenIds, padId, topP, newSeed, useKvCache);
    }

    public SamplingConfig withKvCache(boolean on) {
        return new SamplingConfig(maxNewTokens, stopTokenIds, padId, topP, seed, on);
    }

    public SamplingConfig withMaxNewTokens(int n) {
        return new SamplingConfig(n, stopTokenIds, padId, topP, seed, useKvCache);
    }

    public SamplingConfig withTopP(double p) {
        return new SamplingConfig(maxNewTokens, stopTokenIds, padId, p, seed, useKvCache);
    }

    public SamplingConfig withStopTokens(int... ids) {
        return new SamplingConfig(maxNewTokens, ids, padId, topP, seed, useKvCache);
    }

    @Override
    public int[] stopTokenIds() {
        return stopTokenIds.clone();
    }

    boolean isStop(int id) {
        for (int s : stopTokenIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SamplingConfig c && maxNewTokens == c.maxNewTokens && padId == c.padId
                && Double.compare(topP, c.topP) == 0 && seed == c.seed && useKvCache == c.useKvCache
                && Arrays.equals(stopTokenIds, c.stopTokenIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(stopTokenIds) + Long.hashCode(seed) + maxNewTokens;
    }

    @Override
    public String toString() {
        return "SamplingConfig[maxNewTokens=" + maxNewTokens + ", stopTokenIds=" + Arrays.toString(stopTokenIds)
                + ", padId=" + padId + ", topP=" + topP + ", seed=" + seed + ", useKvCache=" + useKvCache + "]";
    }
}
