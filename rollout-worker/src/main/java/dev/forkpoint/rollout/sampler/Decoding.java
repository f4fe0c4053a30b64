package dev.forkpoint.rollout.sampler;

import dev.forkpoint.rollout.policy.GradModeOff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.policy.Policy;
import java.util.Arrays;

/**
 * One batch generation in progress, advanced one token per {@link #step()}.
 *
 * <p>Layout: the batch is a host-side {@code (B, P + maxNewTokens)} grid of ids and key-mask bits, prompts
 * right-aligned at column {@code P} (left padding, mask 0). Column {@code P + t} holds the token sampled
 * at step {@code t}; a row that has finished gets the pad id with mask 0 from then on, so it no longer
 * influences anything and its recorded tokens end at its stop token. Finished rows stay in the batch
 * (the batch is not compacted, so they still cost compute) until every row has finished.
 *
 * <p>Per step everything runs on the device in one step sub-manager, vectorised over the batch, and one
 * host transfer brings back {@code (id, olp, H, T)} for every row.
 */
public final class Decoding implements AutoCloseable {

    private final Policy policy;
    private final SamplingConfig config;
    private final TemperatureRule temperature;
    private final int batch;
    private final int promptWidth;
    private final int width;
    private final int vocab;
    private final int[][] prompts;

    private final long[] tokens;
    private final long[] mask;
    private final int[][] ids;
    private final float[][] logProbs;
    private final float[][] entropies;
    private final float[][] temperatures;
    private final int[] lengths;
    private final FinishReason[] reasons;
    private int live;
    private int step;

    // The generation's arrays (the KV cache) outlive every step: they belong to this sub-manager.
    private final NDManager manager;
    private final KvCache cache;
    private final GumbelNoise noise;

    /**
     * @param firstRow    the generation row of {@code prompts[0]}, which the sampling noise depends on
     * @param promptWidth least prompt width: prompts are left-padded to it or to the longest prompt, the wider
     */
    Decoding(Policy policy, int[][] prompts, SamplingConfig config, TemperatureRule temperature, NDManager parent,
             long firstRow, int promptWidth) {
        this.policy = policy;
        this.config = config;
        this.temperature = temperature;
        this.vocab = policy.vocabSize();
        validate(prompts, config, vocab, policy.contextLength(), promptWidth);
        this.batch = prompts.length;
        this.prompts = new int[batch][];
        int p = Math.max(0, promptWidth);
        for (int i = 0; i < batch; i++) {
            this.prompts[i] = prompts[i].clone();
            p = Math.max(p, prompts[i].length);
        }
        this.promptWidth = p;
        int maxNew = config.maxNewTokens();
        this.width = p + maxNew;

        tokens = new long[batch * width];
        mask = new long[batch * width];
        Arrays.fill(tokens, config.padId());
        for (int i = 0; i < batch; i++) {
            int offset = i * width + p - prompts[i].length;
            for (int j = 0; j < prompts[i].length; j++) {
                tokens[offset + j] = prompts[i][j];
                mask[offset + j] = 1;
            }
        }
        ids = new int[batch][maxNew];
        logProbs = new float[batch][maxNew];
        entropies = new float[batch][maxNew];
        temperatures = new float[batch][maxNew];
        lengths = new int[batch];
        reasons = new FinishReason[batch];
        live = batch;

        this.manager = parent.newSubManager(policy.device());
        // The last sampled token is never fed back, so the cache needs one position less than the grid.
        this.cache = config.useKvCache() ? policy.newCache(manager, batch, width - 1) : null;
        this.noise = new GumbelNoise(config.seed(), firstRow);
    }

    private static void validate(int[][] prompts, SamplingConfig config, int vocab, int contextLength,
                                 int promptWidth) {
        if (prompts == null || prompts.length == 0) {
            throw new IllegalArgumentException("prompts: at least one prompt is needed");
        }
        if (vocab >= (1 << 24)) {
            throw new IllegalArgumentException("model.vocabSize = " + vocab + ": ids travel as float32, must be < 2^24");
        }
        if (config.padId() >= vocab) {
            throw new IllegalArgumentException("sampling.padId = " + config.padId() + ": outside the vocabulary of "
                    + vocab);
        }
        int longest = Math.max(0, promptWidth);
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i] == null || prompts[i].length == 0) {
                throw new IllegalArgumentException("prompts[" + i + "]: empty; every prompt needs at least one token");
            }
            for (int id : prompts[i]) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("prompts[" + i + "] contains id " + id
                            + ": outside the vocabulary of " + vocab);
                }
            }
            longest = Math.max(longest, prompts[i].length);
        }
        if (longest + config.maxNewTokens() > contextLength) {
            throw new IllegalArgumentException("sampling.maxNewTokens = " + config.maxNewTokens()
                    + ": longest prompt (" + longest + ") plus new tokens exceeds model.contextLength = "
                    + contextLength);
        }
    }

    /** True once every row has stopped. */
    public boolean isFinished() {
        return live == 0;
    }

    /** Tokens generated so far per live row (the decoding step index). */
    public int steps() {
        return step;
    }

    /** Samples one token for every live row. */
    public void step() {
        if (isFinished()) {
            throw new IllegalStateException("decoding finished after " + step + " steps");
        }
        try (GradModeOff noGrad = new GradModeOff(); NDManager s = manager.newSubManager()) {
            NDArray logits = nextLogits(s);
            NDArray logp = logits.logSoftmax(1);
            NDArray h = GumbelMaxSampler.entropy(logp);
            NDArray t = temperature.temperatures(h);
            NDArray picked = GumbelMaxSampler.sample(logits, t, config.topP(), noise.next(s, batch, vocab));
            NDArray olp = logp.gather(picked.reshape(batch, 1), 1).reshape(batch);
            NDArray out = NDArrays.stack(new NDList(picked.toType(DataType.FLOAT32, false), olp, h,
                    t.reshape(batch)));
            record(out.toFloatArray());
        }
    }

    /** T=1 logits {@code (B, V)} of the next position of every row. */
    private NDArray nextLogits(NDManager s) {
        int filled = promptWidth + step;
        if (cache == null) {
            return policy.lastLogits(columns(s, tokens, 0, filled), columns(s, mask, 0, filled), null);
        } else if (step == 0) {
            return policy.lastLogits(columns(s, tokens, 0, filled), columns(s, mask, 0, filled), cache);
        }
        return policy.lastLogits(columns(s, tokens, filled - 1, filled), columns(s, mask, 0, filled), cache);
    }

    /** Columns {@code [from, to)} of a host grid as an int64 {@code (B, to - from)} array. */
    private NDArray columns(NDManager s, long[] grid, int from, int to) {
        int n = to - from;
        long[] part = new long[batch * n];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(grid, i * width + from, part, i * n, n);
        }
        return s.create(part, new Shape(batch, n));
    }

    private void record(float[] host) {
        int column = promptWidth + step;
        int maxNew = config.maxNewTokens();
        for (int i = 0; i < batch; i++) {
            if (reasons[i] != null) {
                continue; // finished earlier: pad id, mask 0 stay in the grid
            }
            int id = (int) host[i];
            int k = lengths[i]++;
            ids[i][k] = id;
            logProbs[i][k] = host[batch + i];
            entropies[i][k] = host[2 * batch + i];
            temperatures[i][k] = host[3 * batch + i];
            tokens[i * width + column] = id;
            mask[i * width + column] = 1;
            if (config.isStop(id)) {
                reasons[i] = FinishReason.STOP;
                live--;
            } else if (lengths[i] == maxNew) {
                reasons[i] = FinishReason.LENGTH;
                live--;
            }
        }
        step++;
    }

    /** The finished generation; rows are trimmed to their own length. */
    public SampleBatch result() {
        if (!isFinished()) {
            throw new IllegalStateException("decoding not finished: " + live + " rows still live after " + step
                    + " steps");
        }
        int[][] outIds = new int[batch][];
        float[][] outLp = new float[batch][];
        float[][] outH = new float[batch][];
        float[][] outT = new float[batch][];
        for (int i = 0; i < batch; i++) {
            outIds[i] = Arrays.copyOf(ids[i], lengths[i]);
            outLp[i] = Arrays.copyOf(logProbs[i], lengths[i]);
            outH[i] = Arrays.copyOf(entropies[i], lengths[i]);
            outT[i] = Arrays.copyOf(temperatures[i], lengths[i]);
        }
        return new SampleBatch(prompts, outIds, outLp, outH, outT, reasons.clone());
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        manager.close();
    }
}
