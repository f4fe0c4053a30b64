package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckpointKeepingTest {

    private static final Map<String, Double> ACCURACY = new java.util.HashMap<>(Map.of(
            "s6", 0.30, "s5", 0.40, "s3", 0.55, "s2", 0.55, "s1", 0.10));

    static {
        ACCURACY.put("s4", null); // a checkpoint written between evaluations
    }

    private static final List<String> NEWEST_FIRST = Arrays.asList("s6", "s5", "s4", "s3", "s2", "s1");

    @Test
    void keepsTheNewestAndTheBestWithTiesGoingToTheLater() {
        assertEquals(Optional.of("s3"), CheckpointKeeping.best(NEWEST_FIRST, ACCURACY::get));
        assertEquals(Set.of("s6", "s5", "s3"), CheckpointKeeping.kept(NEWEST_FIRST, 2, ACCURACY::get));
        assertEquals(Set.of("s6", "s5", "s4", "s3"), CheckpointKeeping.kept(NEWEST_FIRST, 3, ACCURACY::get));
        assertEquals(Set.copyOf(NEWEST_FIRST), CheckpointKeeping.kept(NEWEST_FIRST, 10, ACCURACY::get));
    }

    @Test
    void withoutAnyAccuracyOnlyTheNewestStay() {
        assertEquals(Optional.empty(), CheckpointKeeping.best(List.of("a", "b"), c -> null));
        assertEquals(Set.of("a"), CheckpointKeeping.kept(List.of("a", "b"), 1, c -> null));
    }
}
