package dev.forkpoint.rollout.task;

/**
 * The character set of the built-in char-level tokenizer: '\n' and printable ASCII 32..126. Built-in task
 * prompts and worked solutions must stay inside it, or the tiny model could not even read them.
 */
public final class BuiltinVocabulary {

    private BuiltinVocabulary() {
    }

    public static boolean covers(String text) {
        return text.chars().allMatch(c -> c == '\n' || (c >= 32 && c <= 126));
    }
}
