package dev.forkpoint.learner.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints in a plain directory, for runs without the service: {@code step-NNNNNN.fpckpt} files, of which the
 * newest {@code keep} and the best by eval accuracy that this process wrote are kept ({@link CheckpointKeeping},
 * the service's rule). Files an earlier process left are never deleted.
 */
public final class CheckpointDirectory implements RunDriver.CheckpointStore {

    private static final Pattern FILE = Pattern.compile("step-(\\d{6,})\\.fpckpt");

    private final Path dir;
    private final int keep;
    private final Consumer<String> log;
    private final List<CheckpointRef> written = new ArrayList<>(); // newest first

    public CheckpointDirectory(Path dir, int keep, Consumer<String> log) {
        this.dir = dir;
        this.keep = keep;
        this.log = log;
    }

    @Override
    public CheckpointRef save(TrainingSession session) throws Exception {
        Files.createDirectories(dir);
        CheckpointRef ref = session.checkpoint(dir);
        written.removeIf(c -> c.path().equals(ref.path()));
        written.add(0, ref);
        log.accept("checkpoint " + ref.path());
        Set<CheckpointRef> kept = CheckpointKeeping.kept(written, keep, CheckpointRef::evalAccuracy);
        for (CheckpointRef c : List.copyOf(written)) {
            if (!kept.contains(c)) {
                Files.deleteIfExists(c.path());
                written.remove(c);
                log.accept("removed checkpoint " + c.path() + " (keepCheckpoints " + keep + " + best)");
            }
        }
        return ref;
    }

    /** The checkpoint of the most steps in {@code dir}, if any. */
    public static Optional<Path> latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path best = null;
        long bestStep = -1;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > bestStep) {
                    bestStep = Long.parseLong(m.group(1));
                    best = p;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
