package dev.forkpoint.rollout.task.jsonl;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.TaskConfig;

/**
 * A user's file of {@code {"prompt": ..., "answer": ...}} records, one JSON object per line, scored by
 * the math-answer verifier.
 *
 * @param path     the JSONL file (required), read as UTF-8
 * @param seed     fixes the train/eval assignment and the per-epoch train order (default 0)
 * @param evalSize number of distinct prompts held out for evaluation; null means a tenth of the distinct
 *                 prompts, at least one (default null)
 */
public record JsonlConfig(String path, long seed, Integer evalSize) implements TaskConfig {

    public static final String NAME = "jsonl";

    public JsonlConfig {
        if (path == null || path.isBlank()) {
            throw new dev.forkpoint.rollout.task.TaskConfigException("task.path", "task.path: required");
        }
        if (evalSize != null && evalSize < 1) {
            throw ConfigFields.invalid("evalSize", evalSize, "must be at least 1");
        }
    }

    public static JsonlConfig parse(ConfigFields f) {
        String path = f.requiredString("path");
        long seed = f.longValue("seed", 0L);
        Integer evalSize = f.optionalInt("evalSize");
        f.rejectUnknown();
        return new JsonlConfig(path, seed, evalSize);
    }

    @Override
    public String name() {
        return NAME;
    }
}
