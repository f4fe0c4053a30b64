package dev.forkpoint.rollout.task;

import java.util.Map;
import java.util.Objects;

/**
 * One task instance handed to the sampler.
 *
 * @param id       stable identifier, unique within the task (e.g. {@code "train:17"}, {@code "line:42"}); the
 *                 analytics group responses by it
 * @param prompt   the text the policy continues; for built-in tasks only '\n' and printable ASCII
 * @param answer   the reference answer as text (countdown: the target; arithmetic: the exact result; jsonl:
 *                 the record's answer)
 * @param metadata task-specific facts the verifier and worked solution need (countdown: "numbers",
 *                 "target"), immutable, JSON-friendly strings only
 */
public record Problem(String id, String prompt, String answer, Map<String, String> metadata) {

    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        metadata = Map.copyOf(metadata);
    }

    /** A metadata value that the task itself put there; missing means the problem came from elsewhere. */
    public String require(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("problem " + id + ": metadata \"" + key + "\" missing");
        }
        return v;
    }
}
