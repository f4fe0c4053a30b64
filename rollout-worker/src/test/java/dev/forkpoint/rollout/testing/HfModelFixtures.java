package dev.forkpoint.rollout.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tiny Hugging Face model folders with reference outputs (testdata/README.md): the folders of system property
 * {@code forkpoint.hfmodels.dir} (the build sets it to the repository's {@code testdata/hf-models};
 * {@code -Dforkpoint.hfmodels.dir=DIR} runs other fixtures of the same format), else of the repository's copy.
 * A fixture folder is any sub-folder with a {@code config.json}; tests must not assume particular ones.
 */
public final class HfModelFixtures {

    public static final String PROPERTY = "forkpoint.hfmodels.dir";
    private static final String IN_REPOSITORY = "testdata/hf-models";

    private HfModelFixtures() {
    }

    /** Every fixture folder, sorted by name; at least one. */
    public static List<Path> folders() {
        Path root = TestData.folder(PROPERTY, IN_REPOSITORY);
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (folders.isEmpty()) {
            throw new IllegalStateException("Hugging Face fixtures: no folder with a config.json in " + root);
        }
        System.out.println("Hugging Face fixtures: " + folders.size() + " in " + root);
        return folders;
    }
}
