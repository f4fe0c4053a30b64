package dev.forkpoint.learner.run;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which checkpoints a run keeps: the newest {@code keep} plus the best by evaluation accuracy (ties: the later).
 * One rule for the service's {@code CheckpointRetention} and for {@code forkpoint train} ({@link CheckpointDirectory}).
 */
public final class CheckpointKeeping {

    private CheckpointKeeping() {
    }

    /** The best checkpoint of {@code newestFirst} by accuracy (null accuracies never win; ties: the newer). */
    public static <T> Optional<T> best(List<T> newestFirst, Function<T, Double> evalAccuracy) {
        T best = null;
        Double bestAccuracy = null;
        for (T c : newestFirst) {
            Double a = evalAccuracy.apply(c);
            if (a != null && (bestAccuracy == null || a > bestAccuracy)) {
                best = c;
                bestAccuracy = a;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The checkpoints to keep, of {@code newestFirst}: its first {@code keep} and the best. */
    public static <T> Set<T> kept(List<T> newestFirst, int keep, Function<T, Double> evalAccuracy) {
        Set<T> kept = new LinkedHashSet<>(newestFirst.subList(0, Math.min(keep, newestFirst.size())));
        best(newestFirst, evalAccuracy).ifPresent(kept::add);
        return kept;
    }
}
