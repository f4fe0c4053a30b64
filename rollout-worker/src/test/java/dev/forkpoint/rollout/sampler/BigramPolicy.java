package dev.forkpoint.rollout.sampler;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.policy.Policy;
import java.util.Map;

/**
 * Test double: the logits of the next token are row {@code prev} of a fixed {@code (V, V)} table, so the
 * expected olp and entropy of every sampled token can be computed by hand in the test. It checks the
 * sampler's calls (shapes, cache bookkeeping) like a real model would.
 */
final class BigramPolicy implements Policy {

    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray table;
    private final float[][] hostTable;
    int forwardCalls;
    int lastForwardWidth;
    long[] lastKeyMask;

    BigramPolicy(float[][] table, int contextLength) {
        int v = table.length;
        this.config = new ModelConfig(v, 1, 1, 4, contextLength, 1);
        this.manager = NDManager.newBaseManager();
        float[] flat = new float[v * v];
        for (int i = 0; i < v; i++) {
            System.arraycopy(table[i], 0, flat, i * v, v);
        }
        this.table = manager.create(flat, new Shape(v, v));
        this.hostTable = table;
    }

    float[] row(int prev) {
        return hostTable[prev];
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public NDArray forward(NDArray tokens, NDArray keyMask, KvCache cache) {
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        if (!keyMask.getShape().equals(new Shape(b, past + t))) {
            throw new IllegalArgumentException("keyMask " + keyMask.getShape() + " for tokens " + tokens.getShape()
                    + " and " + past + " cached positions");
        }
        forwardCalls++;
        lastKeyMask = keyMask.toLongArray();
        lastForwardWidth = (int) t;
        if (cache != null) {
            ((Cache) cache).advance((int) t, (int) b);
        }
        // one-hot (B, T, V) x table (V, V): the op's result lands on the tokens' (step) manager
        NDArray oneHot = tokens.toType(DataType.INT64, false).oneHot(config.vocabSize()).toType(DataType.FLOAT32, false);
        return oneHot.matMul(table);
    }

    @Override
    public KvCache newCache(NDManager m, int batch, int capacity) {
        return new Cache(batch, capacity);
    }

    @Override
    public TokenScores score(NDArray tokens, NDArray keyMask) {
        NDArray logp = forward(tokens, keyMask, null).logSoftmax(2);
        long t = tokens.getShape().get(1);
        NDArray next = tokens.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).expandDims(-1);
        NDArray head = logp.get(new NDIndex(":, :{}, :", t - 1));
        NDArray lp = head.gather(next, 2).squeeze(-1);
        NDArray h = head.exp().mul(head).sum(new int[] {2}).neg();
        return new TokenScores(lp, h);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of("table", table);
    }

    @Override
    public Policy frozenCopy() {
        return new BigramPolicy(hostTable, config.contextLength());
    }

    @Override
    public String description() {
        return "bigram table";
    }

    @Override
    public Policy withValues(Map<String, float[]> values, boolean trainable) {
        float[] flat = values.get("table");
        int v = hostTable.length;
        float[][] t = new float[v][v];
        for (int i = 0; i < v; i++) {
            System.arraycopy(flat, i * v, t[i], 0, v);
        }
        return new BigramPolicy(t, config.contextLength());
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Only counts positions: a bigram needs no keys or values. */
    private static final class Cache implements KvCache {
        private final int batch;
        private final int capacity;
        private int length;

        Cache(int batch, int capacity) {
            this.batch = batch;
            this.capacity = capacity;
        }

        void advance(int t, int b) {
            if (b != batch || length + t > capacity) {
                throw new IllegalStateException("cache batch " + batch + " capacity " + capacity + " length " + length
                        + ": cannot take " + t + " positions of batch " + b);
            }
            length += t;
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
        }
    }
}
