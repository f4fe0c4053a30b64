package dev.forkpoint.learner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ObjectiveConfigParser;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.trainer.runs.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Run config files: YAML and JSON, unknown keys and bad values named; every shipped example is valid. */
class RunConfigFilesTest {

    @Test
    void yamlAndJsonGiveTheSameConfig() {
        RunConfig yaml = RunConfigFiles.parseYaml("""
                name: a
                seed: 3
                task: {name: countdown, numbers: 4}
                objective: {preset: DAPO}
                training: {steps: 5, groupSize: 4}
                """);
        RunConfig json = RunConfigFiles.parseJson("""
                {"name": "a", "seed": 3, "task": {"name": "countdown", "numbers": 4}, "objective": {"preset": "DAPO"},
                 "training": {"steps": 5, "groupSize": 4}}""");
        assertEquals(json, yaml);
        assertEquals(4, yaml.training().groupSize());
        assertEquals(16, yaml.training().promptsPerStep(), "defaults fill what is not given");
    }

    @Test
    void unknownKeysAndOutOfRangeValuesAreRejectedByName() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RunConfigFiles.parseYaml("training: {stepz: 5}\n"));
        assertTrue(unknown.getMessage().contains("stepz"), unknown.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> RunConfigFiles.parseYaml("training: {groupSize: 0}\n"));
        assertTrue(range.getMessage().contains("training.groupSize"), range.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> everyExampleConfigIsValid() throws IOException {
        Path dir = examples();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "examples in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            RunConfig c = RunConfigFiles.read(f);
            Tasks.parse(c.task());
            ObjectiveConfigParser.parse(c.objective());
        }));
    }

    /** {@code examples/} beside the module directory, found by walking up from the working directory. */
    static Path examples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("no examples/ directory above " + Path.of("").toAbsolutePath());
    }
}
