package dev.forkpoint.rollout.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the golden vectors are: system property {@code forkpoint.golden.dir}, else the first
 * {@code shared/testdata/golden} found walking up from the working directory (also when the property names
 * a folder that does not exist). Shared with trainer-service's golden tests through this module's test-jar.
 */
public final class GoldenVectors {

    private GoldenVectors() {
    }

    /** The folder {@code name} (sampling, objectives, shaping) of the golden vectors. */
    public static Path subfolder(String name) {
        String property = System.getProperty("forkpoint.golden.dir");
        if (property != null && !property.isBlank()) {
            Path dir = Paths.get(property).resolve(name);
            if (Files.isDirectory(dir)) {
                return dir;
            }
            // The build's default is relative to the project root, which is wrong in a git worktree kept
            // elsewhere; the walk below still finds the vectors. Say so rather than failing.
            System.err.println("forkpoint.golden.dir = " + property + ": has no folder " + name
                    + "; searching upwards from the working directory");
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve("shared/testdata/golden").resolve(name);
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("golden vectors not found: set -Dforkpoint.golden.dir or run below a folder"
                + " that contains shared/testdata/golden/" + name);
    }
}
