package dev.forkpoint.rollout.task;

import dev.forkpoint.rollout.chat.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task instance handed to the sampler.
 *
 * @param id       stable identifier, unique within the task (e.g. {@code "train:17"}, {@code "line:42"}); the
 *                 analytics group responses by it
 * @param prompt   the text the policy continues; for built-in tasks only '\n' and printable ASCII. For a problem
 *                 given as a conversation, its last user turn (for logs)
 * @param answer   the reference answer as text (countdown: the target; arithmetic: the exact result; jsonl:
 *                 the record's answer)
 * @param metadata task-specific facts the verifier and worked solution need (countdown: "numbers",
 *                 "target"), immutable, JSON-friendly strings only
 * @param messages the prompt as chat messages: one user turn holding {@code prompt}, unless the task supplies a
 *                 conversation (a jsonl record with {@code messages}). A model with a chat template renders these;
 *                 one without encodes the text of a single user turn and refuses anything else
 */
public record Problem(String id, String prompt, String answer, Map<String, String> metadata,
                      List<ChatMessage> messages) {

    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        metadata = Map.copyOf(metadata);
        messages = messages == null ? List.of(ChatMessage.user(prompt)) : List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("problem " + id + ": messages is empty");
        }
    }

    /** A problem whose prompt is one user turn of text. */
    public Problem(String id, String prompt, String answer, Map<String, String> metadata) {
        this(id, prompt, answer, metadata, null);
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
