package dev.forkpoint.rollout.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.KvCache;

/**
 * The KV cache of an {@link HfDecoder}: per layer {@code (batch, kvHeads, capacity, headDim)} keys and values, so
 * grouped-query attention stores only its key/value heads (a quarter of the memory for 8 query heads per KV head),
 * and keys are stored after RoPE.
 */
final class HfKvCache implements KvCache {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int batch;
    private final int capacity;
    private int length;

    HfKvCache(NDManager parent, HfConfig config, int batch, int capacity) {
        if (batch < 1) {
            throw new IllegalArgumentException("cache batch = " + batch + ": must be at least 1");
        }
        if (capacity < 1 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("cache capacity = " + capacity + ": must be in [1, "
                    + "max_position_embeddings = " + config.contextLength() + "]");
        }
        this.manager = parent.newSubManager();
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            keys[l] = manager.zeros(new Shape(batch, config.kvHeads(), capacity, config.headDim()));
            values[l] = manager.zeros(keys[l].getShape());
        }
    }

    /** Stores the new {@code (B, kvHeads, T, headDim)} keys/values and returns views over all positions so far. */
    NDArray[] append(int layer, NDArray newKeys, NDArray newValues, NDManager step) {
        long t = newKeys.getShape().get(2);
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, newKeys);
        values[layer].set(slot, newValues);
        NDIndex upTo = new NDIndex(":, :, :{}", length + t);
        return new NDArray[] {keys[layer].get(step, upTo), values[layer].get(step, upTo)};
    }

    void checkRoom(long t, long batchOfTokens) {
        if (batchOfTokens != batch) {
            throw new IllegalArgumentException("tokens batch = " + batchOfTokens + ": cache was made for batch " + batch);
        }
        if (length + t > capacity) {
            throw new IllegalArgumentException("cache holds " + length + " of " + capacity + " positions: "
                    + t + " more do not fit");
        }
    }

    void advance(long t) {
        length += (int) t;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    @Override
    public void close() {
        manager.close();
    }
}
