package dev.forkpoint.learner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/config-reference.md is the generated {@link ConfigReference}: this fails when a key, default, range or help
 * text changed without the file being regenerated ({@code -Dforkpoint.writeReference=true} rewrites it).
 */
class ConfigReferenceTest {

    @Test
    void theCommittedReferenceIsCurrent() throws Exception {
        Path file = docs().resolve("config-reference.md");
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("forkpoint.writeReference")) {
            Files.writeString(file, generated);
        }
        assertTrue(Files.exists(file), file + " is missing; generate it with " + ConfigReference.REGENERATE);
        assertEquals(generated, Files.readString(file), "docs/config-reference.md is stale; regenerate it with "
                + ConfigReference.REGENERATE);
    }

    @Test
    void everyKeyOfEveryPartIsInTheReference() {
        String md = ConfigReference.markdown();
        for (var part : ObjectiveConfig.PARTS) {
            assertTrue(md.contains("### `objective." + part.key() + "`"), part.key());
            for (var field : part.fields()) {
                assertTrue(md.contains("| `" + field.key() + "` |"), part.key() + "." + field.key());
            }
        }
        for (ObjectivePreset p : ObjectivePreset.values()) {
            assertTrue(md.contains("| `" + p.name() + "` |"), p.name());
        }
        assertTrue(md.contains("| `groupSize` | integer | `8` | `[1, 1024]` |"), "training.groupSize row");
    }

    static Path docs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs")) && Files.exists(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("learner"))) {
                return p.resolve("docs");
            }
        }
        throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
    }
}
