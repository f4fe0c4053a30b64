package dev.forkpoint.learner.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.sampler.FinishReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded DAPO dynamic-sampling loop (docs/algorithms.md section 2). */
class DynamicSamplingTest {

    /** Two groups of two responses per batch with the given correctness. */
    static RolloutBatch batch(String tag, boolean... correct) {
        int n = correct.length;
        int[][] p = new int[n][];
        int[][] r = new int[n][];
        float[][] f = new float[n][];
        int[] groups = new int[n];
        String[] ids = new String[n];
        double[] scores = new double[n];
        FinishReason[] reasons = new FinishReason[n];
        for (int i = 0; i < n; i++) {
            p[i] = new int[] {1};
            r[i] = new int[] {5, 6};
            f[i] = new float[] {-1f, -2f};
            groups[i] = i / 2;
            ids[i] = tag + ":" + (i / 2);
            scores[i] = correct[i] ? 1 : 0;
            reasons[i] = FinishReason.STOP;
        }
        return new RolloutBatch(p, r, f, f, f, groups, ids, scores, correct, reasons);
    }

    @Test
    void everyGroupFilteredStopsAtTheBoundWithAnEmptyBatch() {
        List<Integer> calls = new ArrayList<>();
        DynamicSampling.Collected c = DynamicSampling.collect(g -> {
            calls.add(g);
            return batch("b" + g, false, false, true, true);
        }, 2, 5);
        assertEquals(List.of(0, 1, 2, 3, 4), calls);
        assertEquals(5, c.genBatches());
        assertEquals(0, c.batch().size());
        assertEquals(20, c.drawn().size());
        assertEquals(10, c.drawn().groupCount());
    }

    @Test
    void stopsAsSoonAsEnoughGroupsSurviveAndTrimsToTheTarget() {
        List<Integer> calls = new ArrayList<>();
        DynamicSampling.Collected c = DynamicSampling.collect(g -> {
            calls.add(g);
            // batch 0: one mixed group; batch 1: two mixed groups -> 3 survive, target 2
            return g == 0 ? batch("b0", true, false, true, true) : batch("b1", true, false, false, true);
        }, 2, 10);
        assertEquals(List.of(0, 1), calls);
        assertEquals(2, c.batch().groupCount());
        assertEquals(4, c.batch().size());
        assertEquals("b0:0", c.batch().problemIds()[0]);
        assertEquals("b1:0", c.batch().problemIds()[2]);
        assertEquals(1, c.batch().groups()[2], "groups are renumbered 0..G-1");
        assertEquals(8, c.drawn().size());
    }

    @Test
    void singleDrawsOnce() {
        DynamicSampling.Collected c = DynamicSampling.single(g -> batch("s", false, false));
        assertEquals(1, c.genBatches());
        assertEquals(2, c.batch().size());
    }
}
