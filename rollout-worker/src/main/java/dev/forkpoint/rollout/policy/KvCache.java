package dev.forkpoint.rollout.policy;

/**
 * Keys and values of every layer for positions already processed, so that decoding one token costs one
 * position of compute instead of the whole prefix. Owned by the caller's {@link ai.djl.ndarray.NDManager};
 * closing it frees its arrays.
 */
public interface KvCache extends AutoCloseable {

    /** Positions already stored. */
    int length();

    /** Maximum positions this cache can hold. */
    int capacity();

    int batchSize();

    @Override
    void close();
}
