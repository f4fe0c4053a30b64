package dev.forkpoint.rollout.hf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.forkpoint.rollout.safetensors.SafetensorsException;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model directory that does not match its config.json is refused naming the file, tensor or key, never loaded. */
class HfDecoderLoadTest {

    /** A copy of the first fixture folder, to break. */
    private static Path copy(Path into) throws Exception {
        Path source = HfModelFixtures.folders().get(0);
        Path dir = Files.createDirectories(into.resolve(source.getFileName()));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static String refused(Path dir) {
        return assertThrows(SafetensorsException.class, () -> HfDecoder.load(dir, Device.cpu(), false)).getMessage();
    }

    @Test
    void aShapeTheConfigDoesNotImplyIsNamed(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        Path config = dir.resolve("config.json");
        String json = Files.readString(config);
        String changed = json.replaceFirst("\"intermediate_size\": *(\\d+)", "\"intermediate_size\": 7");
        assertTrue(!changed.equals(json), "the fixture's config.json names intermediate_size");
        Files.writeString(config, changed);
        String message = refused(dir);
        assertTrue(message.contains("mlp.") && message.contains("has shape") && message.contains("7"), message);
    }

    @Test
    void missingFilesAndUnsupportedModelsAreNamed(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        Path config = dir.resolve("config.json");
        String json = Files.readString(config);
        Files.writeString(config, json.replaceFirst("\"model_type\": *\"[a-z0-9]+\"", "\"model_type\": \"gpt2\""));
        assertTrue(refused(dir).contains("model_type = gpt2"));
        Files.delete(config);
        assertTrue(refused(dir).contains("no config.json"));
        assertTrue(refused(tmp.resolve("nowhere")).contains("no config.json"));
    }
}
