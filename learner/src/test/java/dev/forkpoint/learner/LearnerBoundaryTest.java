package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.RunSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The learner is a plain-Java library: the Maven module boundary keeps the service out of its class path, and this
 * keeps Spring out of its dependency tree and any service or Spring reference out of its bytecode.
 */
class LearnerBoundaryTest {

    @Test
    void springIsNotOnTheLearnersClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.springframework.context.ApplicationContext"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.forkpoint.trainer.ForkpointApplication"));
    }

    @Test
    void noLearnerClassReferencesTheServiceOrSpring() throws Exception {
        Path classes = Path.of(RunSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                scanned++;
                if (bytes.contains("org/springframework/") || bytes.contains("dev/forkpoint/trainer/")) {
                    offenders.add(classes.relativize(f).toString());
                }
            }
        }
        assertTrue(scanned > 50, "scanned " + scanned + " classes in " + classes);
        assertFalse(!offenders.isEmpty(), "learner classes that reference the service or Spring: " + offenders);
    }
}
