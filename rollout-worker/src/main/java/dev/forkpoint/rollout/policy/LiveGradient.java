package dev.forkpoint.rollout.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes into a parameter's gradient in place, a slice or a set of rows at a time, for gradients that would otherwise
 * pass through a {@code [vocabulary x hidden]} temporary: autograd's backward of an embedding lookup or of
 * {@code sum(dW * W)} allocates one (545 MB for Qwen2.5's 151,936 x 896 table) on top of the gradient itself.
 */
public final class LiveGradient {

    /** Tokens per block of {@link #addRows}: bounds its (unique ids x tokens) one-hot to 4 MiB. */
    private static final int ROW_BLOCK = 1024;

    private LiveGradient() {}

    /**
     * The array that holds {@code parameter}'s gradient, on {@code scope}: writes to it change the gradient. Before
     * the parameter's first backward PyTorch has no gradient tensor (DJL's {@code getGradient} then returns fresh
     * zeros that nothing reads), so a zero backward through one row defines it first.
     */
    public static NDArray of(NDArray parameter, GradientCollector collector, NDManager scope) {
        PtNDArray grad = JniUtils.getGradient((PtNDArray) parameter);
        if (grad == null) {
            try (NDManager tmp = scope.newSubManager()) {
                NDArray zero = parameter.get(new NDIndex("0")).sum().mul(0);
                zero.attach(tmp);
                collector.backward(zero);
            }
            grad = JniUtils.getGradient((PtNDArray) parameter);
            if (grad == null) {
                throw new IllegalStateException("parameter of shape " + parameter.getShape() + " takes no gradient");
            }
        }
        grad.attach(scope);
        return grad;
    }

    /**
     * {@code gradient[from:to] += value}, in place: a range of rows of a PyTorch tensor is a view of it, so the
     * addition writes through ({@code LiveGradientTest} checks that it does).
     */
    public static void addSlice(NDArray gradient, long from, long to, NDArray value) {
        try (NDArray rows = gradient.get(new NDIndex("{}:{}", from, to))) {
            rows.addi(value);
        }
    }

    /**
     * {@code gradient[ids[i]] += rows[i]} for every {@code i}, repeated ids summed: an embedding lookup's backward
     * without the dense {@code [vocabulary x hidden]} array that autograd builds for it. {@code rows} is
     * {@code (N, H)}; per block of tokens, a one-hot of the block's distinct ids sums their rows, which are then
     * read, added and written back.
     */
    public static void addRows(NDArray gradient, long[] ids, NDArray rows) {
        long n = ids.length;
        if (rows.getShape().get(0) != n) {
            throw new IllegalArgumentException("rows " + rows.getShape() + " for " + n + " ids");
        }
        NDManager parent = rows.getManager();
        for (int from = 0; from < n; from += ROW_BLOCK) {
            int to = (int) Math.min(n, from + ROW_BLOCK);
            Map<Long, Integer> slot = new HashMap<>();
            long[] distinct = new long[to - from];
            int[] slotOf = new int[to - from];
            for (int i = from; i < to; i++) {
                Integer s = slot.get(ids[i]);
                if (s == null) {
                    s = slot.size();
                    slot.put(ids[i], s);
                    distinct[s] = ids[i];
                }
                slotOf[i - from] = s;
            }
            int k = slot.size();
            float[] oneHot = new float[k * (to - from)];
            for (int i = 0; i < to - from; i++) {
                oneHot[slotOf[i] * (to - from) + i] = 1f;
            }
            long[] unique = new long[k];
            System.arraycopy(distinct, 0, unique, 0, k);
            try (NDManager bm = parent.newSubManager()) {
                NDArray block = rows.get(new NDIndex("{}:{}", from, to));
                block.attach(bm);
                NDArray sums = bm.create(oneHot, new Shape(k, to - from)).toDevice(rows.getDevice(), false)
                        .matMul(block.toType(DataType.FLOAT32, false));
                NDArray index = bm.create(unique).toDevice(gradient.getDevice(), false);
                NDIndex at = new NDIndex("{}", index);
                NDArray current = gradient.get(at);
                current.attach(bm);
                gradient.set(at, current.add(sums.toType(gradient.getDataType(), false)));
            }
        }
    }
}
