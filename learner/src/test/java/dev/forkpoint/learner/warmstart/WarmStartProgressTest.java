package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmStartProgressTest {

    @Test
    void stepZeroShowsNoLossWhileALaterNonFiniteStepShowsNaN() {
        String start = new WarmStartProgress(0, Double.NaN, Double.NaN, 0, 0, 0.125, 1.0, List.of()).line();
        assertFalse(start.contains("NaN"), start);
        assertTrue(start.contains("eval_acc 0.125"), start);
        String bad = new WarmStartProgress(7, 0.25, Double.NaN, 1e-3, 100, Double.NaN, 2.0, List.of()).line();
        assertTrue(bad.contains("loss 0.2500  grad_norm NaN"), bad);
        assertEquals("step     7  loss 0.2500  grad_norm 1.500  lr 1.00e-03  tokens/s     100  eval_acc   -    elapsed    2.0s",
                new WarmStartProgress(7, 0.25, 1.5, 1e-3, 100, Double.NaN, 2.0, List.of()).line());
    }
}
