package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepDownsamplingTest {

    /** Step s: reward s, evaluation on every 4th step only, a metric "m" = 2s and a text entry. */
    private static List<StepRecord> steps(int n) {
        List<StepRecord> out = new ArrayList<>();
        for (int s = 1; s <= n; s++) {
            out.add(new StepRecord(s, (double) s, 0.5, 1.0 / s, null, 0.0, 100.0, (long) s, s % 4 == 0 ? s / 100.0 : null,
                    10.0, 20.0, Map.of("m", 2.0 * s, "note", "step " + s), Instant.ofEpochSecond(s)));
        }
        return out;
    }

    @Test
    void bucketsOfConsecutiveStepsBecomeTheirMeanAtTheirLastStep() {
        List<StepRecord> all = steps(10);
        List<StepRecord> three = StepDownsampling.downsample(all, 3);
        // 10 steps in 3 buckets of 3, 3 and 4: steps 1-3, 4-6, 7-10.
        assertEquals(List.of(3, 6, 10), three.stream().map(StepRecord::step).toList());
        assertEquals(2.0, three.get(0).reward());
        assertEquals(5.0, three.get(1).reward());
        assertEquals(8.5, three.get(2).reward());
        assertEquals(17.0, ((Number) three.get(2).metrics().get("m")).doubleValue());
        assertEquals("step 10", three.get(2).metrics().get("note"));
        assertEquals(9L, three.get(2).tokensSampled(), "mean 8.5, rounded half up");
        assertEquals(Instant.ofEpochSecond(10), three.get(2).recordedAt());
        // Sparse fields: the mean of the values present, null where the bucket has none.
        assertNull(three.get(0).evalAccuracy());
        assertEquals(0.04, three.get(1).evalAccuracy(), 1e-12);
        assertEquals(0.08, three.get(2).evalAccuracy(), 1e-12);
        assertNull(three.get(0).kl());
        assertEquals(0.5, three.get(1).accuracy());
    }

    @Test
    void shortCurvesComeBackUnchangedAndNonsenseIsRefused() {
        List<StepRecord> all = steps(5);
        assertSame(all, StepDownsampling.downsample(all, 5));
        assertSame(all, StepDownsampling.downsample(all, 500));
        assertEquals(List.of(2, 5), StepDownsampling.downsample(all, 2).stream().map(StepRecord::step).toList());
        assertThrows(IllegalArgumentException.class, () -> StepDownsampling.downsample(all, 0));
        List<StepRecord> many = steps(2000);
        List<StepRecord> drawn = StepDownsampling.downsample(many, 500);
        assertEquals(500, drawn.size());
        assertEquals(2000, drawn.get(499).step());
        assertEquals(2.5, drawn.get(0).reward(), "buckets of 4: steps 1-4");
    }
}
