package dev.forkpoint.rollout.task;

import dev.forkpoint.rollout.task.arithmetic.ArithmeticConfig;
import dev.forkpoint.rollout.task.arithmetic.ArithmeticTask;
import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import dev.forkpoint.rollout.task.countdown.CountdownTask;
import dev.forkpoint.rollout.task.jsonl.JsonlConfig;
import dev.forkpoint.rollout.task.jsonl.JsonlTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task registry: the config's {@code name} is the key. Adding a task is one {@link #register} call
 * with its config parser, its constructor and its description.
 */
public final class Tasks {

    /**
     * What a user needs to know to write a task's config: its keys with their defaults ({@code null} for an
     * optional key without one), the keys that must be given, and what the task is.
     */
    public record Description(String name, String help, Map<String, Object> defaults, List<String> required) {
    }

    private record Entry<C extends TaskConfig>(Class<C> type, Function<ConfigFields, C> parser,
                                               Function<C, Task> factory, Description description) {
        Task create(TaskConfig config) {
            return factory.apply(type.cast(config));
        }
    }

    private static final Map<String, Entry<?>> REGISTRY = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    /** Built on first JSON use only: parsing a Map config needs no Jackson. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    static {
        register(ArithmeticConfig.NAME, ArithmeticConfig.class, ArithmeticConfig::parse, ArithmeticTask::new,
                "Multi-digit addition, subtraction and multiplication with worked column-wise solutions; the answer "
                        + "is verified exactly.", fields(ArithmeticConfig.defaults()), List.of());
        register(CountdownConfig.NAME, CountdownConfig.class, CountdownConfig::parse, CountdownTask::new,
                "Reach the target with + - * / and parentheses, using each given number at most once; the "
                        + "equation is parsed and checked exactly.", fields(CountdownConfig.defaults()), List.of());
        Map<String, Object> jsonl = new LinkedHashMap<>();
        jsonl.put("path", null);
        jsonl.put("seed", 0L);
        jsonl.put("evalSize", null);
        register(JsonlConfig.NAME, JsonlConfig.class, JsonlConfig::parse, JsonlTask::new,
                "Your own problems: a JSONL file of {\"prompt\": ..., \"answer\": ...} lines, scored by the math-answer "
                        + "verifier; evalSize defaults to a tenth of the distinct prompts.", jsonl, List.of("path"));
    }

    private Tasks() {
    }

    /**
     * Adds a task under {@code name}: the parser reads its config (and rejects unknown keys), the factory builds it,
     * and the description documents it. Register before configs naming it are read; a name is registered once.
     */
    public static synchronized <C extends TaskConfig> void register(String name, Class<C> type,
                                                                    Function<ConfigFields, C> parser,
                                                                    Function<C, Task> factory, String help,
                                                                    Map<String, Object> defaults,
                                                                    List<String> required) {
        if (REGISTRY.containsKey(name)) {
            throw new IllegalStateException("task '" + name + "' is already registered");
        }
        REGISTRY.put(name, new Entry<>(type, parser, factory,
                new Description(name, help, java.util.Collections.unmodifiableMap(defaults), required)));
    }

    /** A config record's components by name, as its parser reads them. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(TaskConfig config) {
        Map<String, Object> m = new LinkedHashMap<>(Json.MAPPER.convertValue(config, Map.class));
        m.remove("name");
        return m;
    }

    /** Every registered task, in registry order. */
    public static List<Description> descriptions() {
        synchronized (REGISTRY) {
            return REGISTRY.values().stream().map(Entry::description).toList();
        }
    }

    /** Registered task names, in registry order. */
    public static Set<String> names() {
        synchronized (REGISTRY) {
            return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(REGISTRY.keySet()));
        }
    }

    /** Validates a {@code task} config section; every error names the field. */
    public static TaskConfig parse(Map<String, ?> config) {
        if (config == null) {
            throw new TaskConfigException("task", "task: required");
        }
        Object name = config.get("name");
        if (name == null) {
            throw new TaskConfigException("task.name", "task.name: required; known: " + names());
        }
        Entry<?> entry = name instanceof String s ? REGISTRY.get(s) : null;
        if (entry == null) {
            throw ConfigFields.invalid("name", name, "unknown task; known: " + names());
        }
        return entry.parser().apply(new ConfigFields(config));
    }

    /** As {@link #parse(Map)}, from a JSON/YAML tree. */
    @SuppressWarnings("unchecked")
    public static TaskConfig parse(JsonNode config) {
        if (config == null || !config.isObject()) {
            throw new TaskConfigException("task", "task: must be an object");
        }
        return parse((Map<String, ?>) Json.MAPPER.convertValue(config, Map.class));
    }

    /** As {@link #parse(Map)}, from JSON text (e.g. a base checkpoint's metadata {@code task}). */
    public static TaskConfig parse(String json) {
        return parse(Json.MAPPER.readTree(json));
    }

    public static Task create(TaskConfig config) {
        Entry<?> entry = REGISTRY.get(config.name());
        if (entry == null) {
            throw ConfigFields.invalid("name", config.name(), "unknown task; known: " + names());
        }
        return entry.create(config);
    }

    public static Task create(Map<String, ?> config) {
        return create(parse(config));
    }
}
