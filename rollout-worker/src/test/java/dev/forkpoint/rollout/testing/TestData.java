package dev.forkpoint.rollout.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Finds a fixture folder: the one named by a system property when it is set (a folder that does not exist is an
 * error, never a silent fallback: whoever points the tests elsewhere gets those fixtures or a failure), else
 * {@code relative} under the first ancestor of the working directory that has it (the repository root).
 */
public final class TestData {

    private TestData() {
    }

    public static Path folder(String property, String relative) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException(property + " = " + configured + ": no such folder");
            }
            return dir;
        }
        return inRepository(relative).orElseThrow(() -> new IllegalStateException("test fixtures not found: no "
                + relative + " above " + Paths.get("").toAbsolutePath() + "; set -D" + property + "=DIR"));
    }

    /** Whether {@code dir} is the repository's own copy of {@code relative}. */
    public static boolean isRepositoryCopy(Path dir, String relative) {
        return inRepository(relative).map(own -> own.equals(dir.toAbsolutePath().normalize())).orElse(false);
    }

    private static Optional<Path> inRepository(String relative) {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve(relative);
            if (Files.isDirectory(dir)) {
                return Optional.of(dir.normalize());
            }
        }
        return Optional.empty();
    }
}
