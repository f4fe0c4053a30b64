package dev.forkpoint.trainer.checkpoints;

import dev.forkpoint.rollout.hf.HfExport;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.trainer.ForkpointProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;

/**
 * Exports a run's checkpoint as a Hugging Face model directory under {@code <forkpoint.home>/exports}, the same
 * directory {@code forkpoint export} writes ({@link HfExport}). An export is deterministic, so asking again returns
 * the directory already written instead of writing it twice.
 */
@Service
public class CheckpointExports {

    private final CheckpointRepository checkpoints;
    private final ForkpointProperties properties;

    public CheckpointExports(CheckpointRepository checkpoints, ForkpointProperties properties) {
        this.checkpoints = checkpoints;
        this.properties = properties;
    }

    /**
     * What an export holds.
     *
     * @param created whether this call wrote it (false: it was exported before)
     */
    public record Export(long runId, int step, String dtype, String path, List<String> files, boolean created) {}

    public Export export(long runId, int step, DType dtype, long maxShardBytes) {
        CheckpointRecord checkpoint = checkpoints.forStep(runId, step)
                .orElseThrow(() -> new CheckpointNotFoundException(runId, step));
        String name = dtype.name().toLowerCase(Locale.ROOT);
        Path target = properties.home().resolve("exports").resolve("run-" + runId + "-step-" + step + "-" + name);
        if (Files.isDirectory(target)) {
            return new Export(runId, step, name, target.toString(), list(target), false);
        }
        try {
            HfExport.Result r = HfExport.fromCheckpoint(Path.of(checkpoint.path()), target, dtype, maxShardBytes);
            return new Export(runId, step, name, r.directory().toString(), r.files(), true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointExportException("run " + runId + " step " + step + ": " + e.getMessage(), e);
        }
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
