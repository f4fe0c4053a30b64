package dev.forkpoint.learner.cli;

import dev.forkpoint.trainer.runs.FieldErrors;
import dev.forkpoint.trainer.runs.RunConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a {@link RunConfig} from a YAML ({@code .yaml}/{@code .yml}) or JSON file: the same schema as the body of
 * {@code POST /api/v1/runs}, unknown properties rejected, and the same bounds ({@link RunConfig#validate}).
 * Task and objective contents are validated when the run opens (task registry, objective parser).
 */
public final class RunConfigFiles {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private RunConfigFiles() {
    }

    public static RunConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run config " + file, e);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return parse(text, name.endsWith(".json") ? JSON : YAML, file.toString());
    }

    /** Parses JSON text (tests, benchmarks). */
    public static RunConfig parseJson(String json) {
        return parse(json, JSON, "<json>");
    }

    /** Parses YAML text. */
    public static RunConfig parseYaml(String yaml) {
        return parse(yaml, YAML, "<yaml>");
    }

    private static RunConfig parse(String text, ObjectMapper mapper, String source) {
        RunConfig config;
        try {
            config = mapper.readValue(text, RunConfig.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("run config " + source + ": " + e.getOriginalMessage()
                    + " (at " + e.getPathReference() + ")", e);
        }
        if (config == null) {
            throw new IllegalArgumentException("run config " + source + ": empty");
        }
        FieldErrors errors = new FieldErrors();
        config.validate(errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("run config " + source + ": " + errors.list().stream()
                    .map(FieldErrors.FieldError::message).collect(Collectors.joining("; ")));
        }
        return config;
    }
}
