package dev.forkpoint.rollout.tokenizer;

/**
 * Text to token ids and back. Implementations: {@code BuiltinTokenizer} (a small fixed vocabulary for
 * the built-in tasks) and {@code HuggingFaceTokenizerAdapter} (a local {@code tokenizer.json}, offline).
 */
public interface Tokenizer {

    /** Number of ids, special tokens included; the model's output layer has this width. */
    int vocabSize();

    int padId();

    int bosId();

    int eosId();

    /** Ids of {@code text} without special tokens. */
    int[] encode(String text);

    /** Text of {@code ids}; special tokens are left out. */
    String decode(int[] ids);

    /** Human-readable string of one id (special tokens included), for analytics and logs. */
    String tokenString(int id);

    /** "builtin" or "huggingface": how a checkpoint records and reloads it. */
    String kind();
}
