package dev.forkpoint.trainer.checkpoints;

import dev.forkpoint.learner.run.CheckpointKeeping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps the last {@code keep} checkpoints of a run plus the best one by evaluation accuracy (ties: the
 * later; {@link CheckpointKeeping}), and deletes the files and rows of the others.
 */
@Component
public class CheckpointRetention {

    private static final Logger log = LoggerFactory.getLogger(CheckpointRetention.class);

    private final CheckpointRepository checkpoints;

    public CheckpointRetention(CheckpointRepository checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** Applies the policy; returns the checkpoints that were removed. */
    public List<CheckpointRecord> apply(long runId, int keep) {
        List<CheckpointRecord> newestFirst = checkpoints.forRun(runId);
        Optional<CheckpointRecord> best = best(newestFirst);
        Set<CheckpointRecord> kept = CheckpointKeeping.kept(newestFirst, keep, CheckpointRecord::evalAccuracy);
        List<CheckpointRecord> removed = newestFirst.stream().filter(c -> !kept.contains(c)).toList();
        for (CheckpointRecord c : removed) {
            deleteFiles(Path.of(c.path()));
            checkpoints.delete(c.id());
        }
        checkpoints.markBest(runId, best.map(CheckpointRecord::id).orElse(null));
        return removed;
    }

    static Optional<CheckpointRecord> best(List<CheckpointRecord> newestFirst) {
        return CheckpointKeeping.best(newestFirst, CheckpointRecord::evalAccuracy);
    }

    /** Deletes a checkpoint file, or a checkpoint directory with everything in it. */
    public static void deleteFiles(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not delete checkpoint {}: {}", path, e.toString());
        }
    }
}
