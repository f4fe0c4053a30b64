package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.learner.aggregation.LossAggregations;
import dev.forkpoint.learner.aggregation.LossMask;
import org.junit.jupiter.api.Test;

/** Section 13 by hand, including a sequence with no valid token and a batch with none at all. */
class LossAggregationTest {

    private static final float[][] LOSS = {{1, 2, 3, 100}, {4, 100, 100, 100}, {100, 100, 100, 100}};
    private static final float[][] MASK = {{1, 1, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}};

    private static double agg(String mode, float[][] mask, int maxLen) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray maskArray = m.create(mask);
            LossMask lm = new LossMask(maskArray, maskArray.toFloatArray(), mask.length, mask[0].length);
            return LossAggregations.REGISTRY.get(mode).aggregate(m.create(LOSS), lm, maxLen).getFloat();
        }
    }

    @Test
    void tokenMean() {
        assertEquals(10.0 / 4, agg("token-mean", MASK, 4), 1e-6);
    }

    @Test
    void seqMeanTokenSumSkipsEmptySequences() {
        assertEquals((6.0 + 4.0) / 2, agg("seq-mean-token-sum", MASK, 4), 1e-6);
    }

    @Test
    void seqMeanTokenMeanSkipsEmptySequences() {
        assertEquals((2.0 + 4.0) / 2, agg("seq-mean-token-mean", MASK, 4), 1e-6);
    }

    @Test
    void seqMeanTokenSumNormDividesByLmax() {
        assertEquals(10.0 / 12, agg("seq-mean-token-sum-norm", MASK, 12), 1e-6);
    }

    @Test
    void anEmptyBatchGivesZeroInEveryMode() {
        float[][] none = new float[3][4];
        for (String mode : LossAggregations.REGISTRY.names()) {
            assertEquals(0.0, agg(mode, none, 4), 0.0, mode);
        }
    }
}
