package dev.forkpoint.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.policy.Policy;
import java.util.Random;

/**
 * Throughput probe (not a test): cached greedy decoding of the reference model (4 layers, d_model 128,
 * 4 heads) at batch 512 with an ~80-position left-padded prefix, then forward+backward of score() on
 * 64 x 80 tokens. Args: [batch] [newTokens] [prefix] [device]: {@code ./forkpoint bench decode-probe 512 64 80}.
 *
 * <p>Measured on the shared 2-core machine: quiet, default OpenMP settings: ~16,000-21,000 cached tokens/s.
 * Under load from other processes (load average ~9), libgomp's default spin-waiting collapses to 600-2,800
 * tokens/s, while {@code OMP_WAIT_POLICY=PASSIVE} keeps 8,000-10,500 cached tokens/s and 11,000-14,000
 * learner tokens/s (forward+backward).
 */
public final class DecodeThroughputProbe {

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int newTokens = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int prefix = args.length > 2 ? Integer.parseInt(args[2]) : 80;
        Device device = dev.forkpoint.rollout.device.DeviceSelection.resolve(args.length > 3 ? args[3] : "cpu");
        ModelConfig config = ModelConfig.reference(99, 256);
        Random rng = new Random(1);
        try (DecoderTransformer model = DecoderTransformer.initialize(config, 7, device);
             NDManager base = NDManager.newBaseManager(device)) {
            JniUtils.setGradMode(false);
            for (int rep = 0; rep < 3; rep++) {
                long[] ids = new long[batch * prefix];
                float[] mask = new float[batch * prefix];
                for (int r = 0; r < batch; r++) {
                    int pad = rng.nextInt(prefix / 4);
                    for (int c = 0; c < prefix; c++) {
                        ids[r * prefix + c] = c < pad ? 0 : 3 + rng.nextInt(90);
                        mask[r * prefix + c] = c < pad ? 0 : 1;
                    }
                }
                try (NDManager run = base.newSubManager();
                     KvCache cache = model.newCache(run, batch, prefix + newTokens)) {
                    NDArray keyMask = run.create(mask, new Shape(batch, prefix));
                    long t0 = System.nanoTime();
                    NDArray next;
                    try (NDManager step = run.newSubManager()) {
                        NDArray logits = model.forward(step.create(ids, new Shape(batch, prefix)), keyMask, cache);
                        next = logits.get(new NDIndex(":, -1, :")).argMax(-1).reshape(batch, 1);
                        next.attach(run);
                    }
                    long t1 = System.nanoTime();
                    for (int s = 0; s < newTokens; s++) {
                        try (NDManager step = run.newSubManager()) {
                            NDArray grown = keyMask.concat(step.ones(new Shape(batch, 1)), 1);
                            grown.attach(run);
                            keyMask.close();
                            keyMask = grown;
                            NDArray logits = model.forward(next, keyMask, cache);
                            NDArray chosen = logits.get(new NDIndex(":, -1, :")).argMax(-1).reshape(batch, 1);
                            chosen.attach(run);
                            next.close();
                            next = chosen;
                        }
                    }
                    next.toLongArray();
                    long t2 = System.nanoTime();
                    System.out.printf("rep %d: prefill %d x %d in %.3f s; cached decode %d x %d tokens in %.3f s = %.0f tokens/s%n",
                            rep, batch, prefix, (t1 - t0) / 1e9, batch, newTokens, (t2 - t1) / 1e9,
                            batch * (double) newTokens / ((t2 - t1) / 1e9));
                }
            }
            learnerProbe(model, base, rng);
        }
    }

    /** score() forward + backward on 64 x 80 tokens, as one learner mini-batch. */
    private static void learnerProbe(DecoderTransformer model, NDManager base, Random rng) {
        int b = 64;
        int t = 80;
        long[] ids = new long[b * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 3 + rng.nextInt(90);
        }
        for (int rep = 0; rep < 6; rep++) {
            long t0 = System.nanoTime();
            try (NDManager step = base.newSubManager();
                 ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray tokens = step.create(ids, new Shape(b, t));
                Policy.TokenScores scores = model.score(tokens, step.ones(new Shape(b, t)));
                gc.backward(scores.logProbs().mean().neg());
            }
            long t1 = System.nanoTime();
            System.out.printf("learner rep %d: forward+backward %d x %d in %.3f s = %.0f tokens/s%n",
                    rep, b, t, (t1 - t0) / 1e9, b * (double) t / ((t1 - t0) / 1e9));
        }
    }
}
