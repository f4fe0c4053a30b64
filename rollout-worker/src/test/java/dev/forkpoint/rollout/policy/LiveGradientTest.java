package dev.forkpoint.rollout.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LiveGradientTest {

    /**
     * Rows added by id into a parameter's gradient before its first backward, across several token blocks and with
     * repeated ids, equal a host sum; a later autograd backward accumulates on top of them.
     */
    @Test
    void rowsAddIntoTheParameterGradientAndAutogradAccumulatesOnTop() {
        int vocab = 50;
        int hidden = 3;
        int n = 2500; // three blocks of 1024 tokens
        SplittableRandom r = new SplittableRandom(3);
        long[] ids = new long[n];
        float[] rows = new float[n * hidden];
        double[] want = new double[vocab * hidden];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
            for (int j = 0; j < hidden; j++) {
                rows[i * hidden + j] = (float) r.nextGaussian();
                want[(int) ids[i] * hidden + j] += rows[i * hidden + j];
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray table = m.zeros(new Shape(vocab, hidden));
            table.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray grad = LiveGradient.of(table, gc, m);
                LiveGradient.addRows(grad, ids, m.create(rows, new Shape(n, hidden)));
                LiveGradient.addSlice(grad, 4, 6, m.ones(new Shape(2, hidden)));
                gc.backward(table.sum().mul(2));
            }
            float[] expected = new float[vocab * hidden];
            for (int i = 0; i < expected.length; i++) {
                int row = i / hidden;
                expected[i] = (float) (want[i] + (row >= 4 && row < 6 ? 1 : 0) + 2);
            }
            assertArrayEquals(expected, table.getGradient().toFloatArray(), 1e-3f);
        }
    }
}
