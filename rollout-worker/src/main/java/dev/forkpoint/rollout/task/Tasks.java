package dev.forkpoint.rollout.task;

import dev.forkpoint.rollout.task.arithmetic.ArithmeticConfig;
import dev.forkpoint.rollout.task.arithmetic.ArithmeticTask;
import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import dev.forkpoint.rollout.task.countdown.CountdownTask;
import dev.forkpoint.rollout.task.jsonl.JsonlConfig;
import dev.forkpoint.rollout.task.jsonl.JsonlTask;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task registry: the config's {@code name} is the key. Adding a task is one {@link #register} line
 * with its config parser and its constructor.
 */
public final class Tasks {

    private record Entry<C extends TaskConfig>(Class<C> type, Function<ConfigFields, C> parser,
                                               Function<C, Task> factory) {
        Task create(TaskConfig config) {
            return factory.apply(type.cast(config));
        }
    }

    private static final Map<String, Entry<?>> REGISTRY = new LinkedHashMap<>();

    /** Built on first JSON use only: parsing a Map config needs no Jackson. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    static {
        register(ArithmeticConfig.NAME, ArithmeticConfig.class, ArithmeticConfig::parse, ArithmeticTask::new);
        register(CountdownConfig.NAME, CountdownConfig.class, CountdownConfig::parse, CountdownTask::new);
        register(JsonlConfig.NAME, JsonlConfig.class, JsonlConfig::parse, JsonlTask::new);
    }

    private Tasks() {
    }

    private static <C extends TaskConfig> void register(String name, Class<C> type, Function<ConfigFields, C> parser,
                                                        Function<C, Task> factory) {
        REGISTRY.put(name, new Entry<>(type, parser, factory));
    }

    /** Registered task names, in registry order. */
    public static Set<String> names() {
        return REGISTRY.keySet();
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
