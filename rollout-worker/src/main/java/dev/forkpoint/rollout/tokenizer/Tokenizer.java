package dev.forkpoint.rollout.tokenizer;

import dev.forkpoint.rollout.chat.ChatMessage;
import java.util.List;

/**
 * Text to token ids and back. Implementations: {@code BuiltinTokenizer} (a small fixed vocabulary for
 * the built-in tasks) and {@code HuggingFaceTokenizerAdapter} (a local {@code tokenizer.json}, offline).
 */
public interface Tokenizer {

    /** Number of ids, special tokens included; the model's output layer has this width. */
    int vocabSize();

    int padId();

    /** The beginning-of-sequence id, or -1 when the model has none (Qwen). */
    int bosId();

    /** The end-of-sequence id a supervised target ends with; one of {@link #stopIds()}. */
    int eosId();

    /** Every id that ends a sampled response: {@link #eosId()} first, then any further end ids of the model. */
    default int[] stopIds() {
        return new int[] {eosId()};
    }

    /**
     * Ids of a prompt that the policy continues with its response: the chat template's rendering with the
     * generation prompt when the model has one, otherwise the text of a single user turn with the model's
     * beginning-of-sequence convention.
     */
    int[] encodePrompt(List<ChatMessage> messages);

    /** Ids of {@code text} without special tokens. */
    int[] encode(String text);

    /** Text of {@code ids}; special tokens are left out. */
    String decode(int[] ids);

    /** Human-readable string of one id (special tokens included), for analytics and logs. */
    String tokenString(int id);

    /** "builtin" or "huggingface": how a checkpoint records and reloads it. */
    String kind();
}
