package dev.forkpoint.rollout.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The golden vectors (docs/algorithms.md, "Golden vectors"): the folder in system property
 * {@code forkpoint.golden.dir} (the build sets it to the repository's {@code testdata/golden};
 * {@code -Dforkpoint.golden.dir=DIR} runs other vectors of the same format), else the repository's
 * {@code testdata/golden} found walking up from the working directory (an IDE run). Shared with the learner's golden
 * tests through this module's test-jar.
 */
public final class GoldenVectors {

    public static final String PROPERTY = "forkpoint.golden.dir";
    private static final String IN_REPOSITORY = "testdata/golden";

    private GoldenVectors() {
    }

    /** The golden-vector root in use. */
    public static Path root() {
        return TestData.folder(PROPERTY, IN_REPOSITORY);
    }

    /**
     * The {@code *.json} vectors of {@code subfolder} (sampling, objectives, shaping), sorted by name. The
     * repository's own copy must have every subfolder and at least one vector in it; a folder given with
     * {@code -Dforkpoint.golden.dir} may leave a subfolder out (its tests are then not run, and that is printed).
     */
    public static List<Path> files(String subfolder) {
        Path root = root();
        Path dir = root.resolve(subfolder);
        boolean own = TestData.isRepositoryCopy(root, IN_REPOSITORY);
        if (!Files.isDirectory(dir)) {
            if (own) {
                throw new IllegalStateException("golden vectors: " + dir + " is missing from the repository");
            }
            System.err.println("golden vectors: " + root + " has no " + subfolder + "/ folder; none of those run");
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("golden vectors: no *.json in " + dir);
        }
        System.out.println("golden vectors: " + files.size() + " in " + dir);
        return files;
    }
}
