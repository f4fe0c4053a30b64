package dev.forkpoint.learner.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Config documents as plain maps: read from YAML or JSON text, and changed by {@code key.path=value} overrides (the
 * command line's {@code --set}). What a document means is {@link RunSpec#parse}'s business; this class only turns
 * text into the maps, lists and scalars it reads.
 */
public final class ConfigDocuments {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    private ConfigDocuments() {
    }

    /** A YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) file. */
    public static Map<String, Object> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfigException("config", "config " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        return parse(text, json ? JSON : YAML, file.toString());
    }

    public static Map<String, Object> parseJson(String text) {
        return parse(text, JSON, "<json>");
    }

    public static Map<String, Object> parseYaml(String text) {
        return parse(text, YAML, "<yaml>");
    }

    private static Map<String, Object> parse(String text, ObjectMapper mapper, String source) {
        Object doc;
        try {
            doc = mapper.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new InvalidConfigException("config", "config " + source + ": not valid "
                    + (mapper == JSON ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
        }
        if (doc == null) {
            return new LinkedHashMap<>();
        }
        if (!(doc instanceof Map<?, ?>)) {
            throw new InvalidConfigException("config", "config " + source + ": must be an object of keys, e.g. "
                    + "{training: {steps: 5}}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) doc;
        return map;
    }

    /**
     * Applies {@code key.path=value} to {@code document} in place: the value is read as YAML (so {@code 5},
     * {@code 0.28}, {@code true}, {@code null}, {@code DAPO}, {@code {}} and {@code [add, sub]} mean what they
     * look like), and missing objects on the path are created. Any config key can be set this way; whether the
     * result is valid is decided when the document is parsed.
     */
    public static void set(Map<String, Object> document, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new InvalidConfigException("--set", "--set " + assignment + ": expected key.path=value, e.g. "
                    + "training.steps=5");
        }
        String path = assignment.substring(0, eq).trim();
        String text = assignment.substring(eq + 1);
        Object value;
        try {
            value = text.isBlank() ? "" : YAML.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new InvalidConfigException(path, "--set " + assignment + ": the value is not valid YAML: "
                    + e.getOriginalMessage());
        }
        List<String> keys = List.of(path.split("\\."));
        Map<String, Object> at = document;
        for (int i = 0; i < keys.size() - 1; i++) {
            String key = keys.get(i);
            if (key.isEmpty()) {
                throw new InvalidConfigException(path, "--set " + assignment + ": empty key in '" + path + "'");
            }
            Object next = at.get(key);
            if (next == null) {
                Map<String, Object> created = new LinkedHashMap<>();
                at.put(key, created);
                at = created;
            } else if (next instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) m;
                Map<String, Object> copy = new LinkedHashMap<>(typed); // documents from YAML may be immutable
                at.put(key, copy);
                at = copy;
            } else {
                String prefix = String.join(".", keys.subList(0, i + 1));
                throw new InvalidConfigException(prefix, "--set " + assignment + ": " + prefix + " is "
                        + next + ", not an object");
            }
        }
        at.put(keys.get(keys.size() - 1), value);
    }
}
