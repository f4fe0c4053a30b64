package dev.forkpoint.rollout.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The text files that define a Hugging Face model's tokenizer and its generation defaults, kept verbatim so a
 * checkpoint can store them and an export can write them back unchanged.
 *
 * @param tokenizerJson    {@code tokenizer.json} (required)
 * @param tokenizerConfig  {@code tokenizer_config.json}: special tokens and usually the chat template; null if absent
 * @param generationConfig {@code generation_config.json}: the end ids that stop sampling; null if absent
 * @param chatTemplate     {@code chat_template.jinja}, where newer transformers keep the template; null if absent
 */
public record HfTokenizerFiles(String tokenizerJson, String tokenizerConfig, String generationConfig,
                               String chatTemplate) {

    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String CHAT_TEMPLATE = "chat_template.jinja";

    public HfTokenizerFiles {
        Objects.requireNonNull(tokenizerJson, TOKENIZER);
    }

    /** Reads the files of a model directory; only tokenizer.json must exist. */
    public static HfTokenizerFiles read(Path dir) {
        if (!Files.isRegularFile(dir.resolve(TOKENIZER))) {
            throw new IllegalArgumentException(dir + ": no " + TOKENIZER + " (Forkpoint needs the fast tokenizer's "
                    + "tokenizer.json; save the tokenizer with transformers to get one)");
        }
        return new HfTokenizerFiles(text(dir, TOKENIZER), text(dir, TOKENIZER_CONFIG), text(dir, GENERATION_CONFIG),
                text(dir, CHAT_TEMPLATE));
    }

    /** Writes the files that are present into {@code dir}. */
    public void writeTo(Path dir) {
        write(dir, TOKENIZER, tokenizerJson);
        write(dir, TOKENIZER_CONFIG, tokenizerConfig);
        write(dir, GENERATION_CONFIG, generationConfig);
        write(dir, CHAT_TEMPLATE, chatTemplate);
    }

    private static String text(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path dir, String name, String text) {
        if (text == null) {
            return;
        }
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }
}
