package dev.forkpoint.rollout.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Per-layer keys and values {@code (B, heads, capacity, headDim)} of {@link DecoderTransformer}, preallocated
 * once and filled in place, so a decoding step copies only its new position. Measured on the reference shape
 * (4 layers, d_model 128, 4 heads, batch 512, 80-position prefix, 64 steps, 2 CPU cores): preallocated
 * ~20,000 tokens/s against 1,400-4,000 tokens/s when each step concatenates the old keys with the new ones.
 */
final class DecoderKvCache implements KvCache {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int batch;
    private final int capacity;
    private int length;

    DecoderKvCache(NDManager parent, ModelConfig config, int batch, int capacity) {
        if (batch < 1) {
            throw new IllegalArgumentException("cache batch = " + batch + ": must be at least 1");
        }
        if (capacity < 1 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("cache capacity = " + capacity + ": must be in [1, model.contextLength = "
                    + config.contextLength() + "]");
        }
        // A child of the caller's manager: the cache outlives every decoding step's sub-manager.
        this.manager = parent.newSubManager();
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            keys[l] = manager.zeros(new Shape(batch, config.heads(), capacity, config.headDim()));
            values[l] = manager.zeros(keys[l].getShape());
        }
    }

    /**
     * Writes the new keys/values {@code (B, heads, T, headDim)} of {@code layer} after the stored positions and
     * returns views over all positions so far, attached to {@code step} (the caller's per-step manager).
     */
    NDArray[] append(int layer, NDArray newKeys, NDArray newValues, NDManager step) {
        long t = newKeys.getShape().get(2);
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, newKeys);
        values[layer].set(slot, newValues);
        NDIndex upTo = new NDIndex(":, :, :{}", length + t);
        return new NDArray[] {keys[layer].get(step, upTo), values[layer].get(step, upTo)};
    }

    /** Checks that {@code t} more positions fit; called before any layer writes. */
    void checkRoom(long t, long batchOfTokens) {
        if (batchOfTokens != batch) {
            throw new IllegalArgumentException("tokens batch = " + batchOfTokens + ": cache was made for batch " + batch);
        }
        if (length + t > capacity) {
            throw new IllegalArgumentException("cache holds " + length + " of " + capacity + " positions: "
                    + t + " more do not fit");
        }
    }

    /** Called once all layers wrote their {@code t} new positions. */
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
