package dev.forkpoint.rollout.hf;

import ai.djl.Device;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face model directory as a run uses it: {@link #inspect} checks it from its JSON files and safetensors
 * headers (cheap enough for a request's validation), {@link #load} reads the weights into a trainable
 * {@link HfDecoder} with its tokenizer. Every problem is an exception naming the file and the key or tensor.
 */
public final class HfModelDirectory {

    private HfModelDirectory() {}

    /**
     * What a valid directory holds.
     *
     * @param config         its config.json
     * @param parameters     trainable values (a tied head counted once)
     * @param tokenizerIds   ids the tokenizer knows (at most config.vocab_size)
     * @param chatTemplate   whether prompts are rendered with a chat template
     */
    public record Summary(HfConfig config, long parameters, int tokenizerIds, boolean chatTemplate) {}

    /** The policy and tokenizer of a loaded directory; closing closes both. */
    public record Loaded(HfDecoder policy, HuggingFaceTokenizerAdapter tokenizer) implements AutoCloseable {
        @Override
        public void close() {
            policy.close();
            tokenizer.close();
        }
    }

    /**
     * Checks everything a run needs without reading the weights' data: config.json is supported, the weights hold
     * every tensor with the implied shape and a float dtype, the tokenizer files are consistent and fit the model's
     * rows, and {@code contextLength} fits max_position_embeddings.
     */
    public static Summary inspect(Path dir, int contextLength) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        HfConfig config = HfConfig.read(dir);
        checkContext(dir, config, contextLength);
        try (ModelWeights weights = ModelWeights.open(dir)) {
            HfDecoder.checkWeights(dir, config, weights);
        }
        long parameters = HfDecoder.parameterShapes(config).values().stream()
                .mapToLong(s -> {
                    long n = 1;
                    for (long d : s) {
                        n *= d;
                    }
                    return n;
                }).sum();
        try (HuggingFaceTokenizerAdapter tokenizer = HuggingFaceTokenizerAdapter.fromDirectory(dir)) {
            checkVocabulary(dir, config, tokenizer);
            return new Summary(config, parameters, tokenizer.vocabSize(), tokenizer.hasChatTemplate());
        }
    }

    /** Loads the directory's weights (widened to float32) and tokenizer; trainable parameters carry gradients. */
    public static Loaded load(Path dir, Device device, int contextLength, boolean trainable) {
        HfConfig config = HfConfig.read(dir);
        checkContext(dir, config, contextLength);
        HuggingFaceTokenizerAdapter tokenizer = HuggingFaceTokenizerAdapter.fromDirectory(dir);
        try {
            checkVocabulary(dir, config, tokenizer);
            return new Loaded(HfDecoder.load(dir, device, trainable, contextLength), tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * As {@link #load} with LoRA adapters on a frozen base: fresh adapters from {@code seed}, which leave the model's
     * outputs unchanged until they train.
     */
    public static Loaded loadWithAdapters(Path dir, Device device, int contextLength, LoraSpec lora, long seed) {
        HfConfig config = HfConfig.read(dir);
        checkContext(dir, config, contextLength);
        HuggingFaceTokenizerAdapter tokenizer = HuggingFaceTokenizerAdapter.fromDirectory(dir);
        try {
            checkVocabulary(dir, config, tokenizer);
            return new Loaded(HfDecoder.withAdapters(config, HfDecoder.readValues(dir, config), lora, null, seed, device,
                    true, contextLength), tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static void checkContext(Path dir, HfConfig config, int contextLength) {
        if (contextLength > config.contextLength()) {
            throw new IllegalArgumentException(dir.resolve("config.json") + ": max_position_embeddings = "
                    + config.contextLength() + " is shorter than the run's context of " + contextLength + " tokens");
        }
    }

    /** The tokenizer's ids, and every special id, must be rows of the embedding. */
    static void checkVocabulary(Path dir, HfConfig config, HuggingFaceTokenizerAdapter tokenizer) {
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException(dir.resolve(HfTokenizerFiles.TOKENIZER) + ": has "
                    + tokenizer.vocabSize() + " ids but config.json vocab_size = " + config.vocabSize()
                    + " rows: the model cannot embed the tokenizer's last ids (a tokenizer of another model?)");
        }
        for (int id : tokenizer.stopIds()) {
            if (id >= config.vocabSize()) {
                throw new IllegalArgumentException(dir.resolve(HfTokenizerFiles.GENERATION_CONFIG) + ": eos_token_id "
                        + id + " is not below config.json vocab_size = " + config.vocabSize());
            }
        }
        if (tokenizer.padId() >= config.vocabSize()) {
            throw new IllegalArgumentException(dir.resolve(HfTokenizerFiles.GENERATION_CONFIG) + ": pad_token_id "
                    + tokenizer.padId() + " is not below config.json vocab_size = " + config.vocabSize());
        }
    }
}
