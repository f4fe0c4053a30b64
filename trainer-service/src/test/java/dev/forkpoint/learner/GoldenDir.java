package dev.forkpoint.learner;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the golden vectors: {@code -Dforkpoint.golden.dir}, else {@code shared/testdata/golden} above the cwd. */
final class GoldenDir {

    private GoldenDir() {
    }

    static Path resolve() {
        String property = System.getProperty("forkpoint.golden.dir");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/testdata/golden");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("golden vectors not found: forkpoint.golden.dir = " + property
                + " and no shared/testdata/golden above " + Path.of("").toAbsolutePath());
    }
}
