package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.rollout.hf.HfModelDirectory;
import java.nio.file.Path;

/**
 * The policy to train: the built-in decoder-only transformer's shape, a Hugging Face model directory, or a base
 * checkpoint to start from (whose stored shape the shape keys must then repeat).
 */
public record ModelSpec(int layers, int heads, int dModel, int contextLength, String path, String checkpoint,
                        LoraOptions lora, WarmStartSpec warmStart) {

    static final Field<ModelSpec, Integer> LAYERS = Field.integer("layers", ModelSpec::layers)
            .defaultValue(4).between(1, 64).help("Decoder blocks of the built-in model.");
    static final Field<ModelSpec, Integer> HEADS = Field.integer("heads", ModelSpec::heads)
            .defaultValue(4).between(1, 128).help("Attention heads per block; must divide dModel.");
    static final Field<ModelSpec, Integer> D_MODEL = Field.integer("dModel", ModelSpec::dModel)
            .defaultValue(128).between(8, 8192).help("Width of the residual stream.");
    static final Field<ModelSpec, Integer> CONTEXT_LENGTH = Field.integer("contextLength", ModelSpec::contextLength)
            .defaultValue(128).between(8, 32768).help("Longest prompt + response in tokens; for a Hugging Face model "
                    + "at most its max_position_embeddings (it bounds the KV cache's memory).");
    static final Field<ModelSpec, String> PATH = Field.string("path", ModelSpec::path)
            .nullable("the built-in model")
            .help("A Hugging Face model directory to train (Llama, Qwen2, Qwen3: config.json, model.safetensors or "
                    + "shards with model.safetensors.index.json, tokenizer.json, tokenizer_config.json, "
                    + "generation_config.json). The built-in shape keys layers, heads and dModel are then unused.");
    static final Field<ModelSpec, String> CHECKPOINT = Field.string("checkpoint", ModelSpec::checkpoint)
            .nullable("a fresh model initialised from the run seed")
            .help("Path of a base checkpoint to start from (e.g. from `forkpoint warm-start`); the shape keys must "
                    + "match the shape stored in it.");

    public static final Section<ModelSpec> SCHEMA = Section.<ModelSpec>always("model")
            .fields(LAYERS, HEADS, D_MODEL, CONTEXT_LENGTH, PATH, CHECKPOINT)
            .child(LoraOptions.SECTION, ModelSpec::lora)
            .child(WarmStartSpec.SCHEMA, ModelSpec::warmStart)
            .factory(v -> new ModelSpec(v.get(LAYERS), v.get(HEADS), v.get(D_MODEL), v.get(CONTEXT_LENGTH),
                    v.get(PATH), v.get(CHECKPOINT), (LoraOptions) v.get(LoraOptions.SECTION.key()),
                    (WarmStartSpec) v.get(WarmStartSpec.SCHEMA.key())))
            .rule((m, path, errors) -> {
                if (m.dModel() % m.heads() != 0) {
                    errors.add(path + ".heads", path + ".heads = " + m.heads() + ": must divide " + path
                            + ".dModel = " + m.dModel());
                }
                if (m.checkpoint() != null && (m.checkpoint().isBlank() || m.checkpoint().length() > 4096)) {
                    errors.add(path + ".checkpoint", path + ".checkpoint: must be a non-blank path of at most 4096 "
                            + "characters");
                }
                if (m.path() != null) {
                    if (m.checkpoint() != null) {
                        errors.add(path + ".path", path + ".path and " + path + ".checkpoint: give one; a checkpoint "
                                + "of a Hugging Face model already holds its architecture and tokenizer");
                    } else {
                        checkDirectory(m, path, errors);
                    }
                }
                if (m.lora() != null && m.path() == null) {
                    errors.add(path + ".lora", path + ".lora: adapters are for a Hugging Face model; set " + path
                            + ".path (a run from a LoRA checkpoint keeps its adapters without this key)");
                }
                if (m.warmStart().enabled() && m.checkpoint() != null) {
                    errors.add(path + ".warmStart.steps", path + ".warmStart.steps = " + m.warmStart().steps()
                            + ": a run from model.checkpoint starts from that policy; set steps to 0 or drop "
                            + "model.checkpoint");
                }
            })
            .help("The policy: the built-in model's shape, a Hugging Face model directory, or a base checkpoint, "
                    + "and an optional warm start.");

    /** Whether the policy is a Hugging Face model directory (rather than the built-in model or a checkpoint). */
    public boolean huggingFace() {
        return path != null;
    }

    /** A directory a run cannot load is refused at submission, with the file and key that are wrong. */
    private static void checkDirectory(ModelSpec m, String path, FieldErrors errors) {
        String field = path + ".path";
        if (m.path().isBlank() || m.path().length() > 4096) {
            errors.add(field, field + ": must be a non-blank path of at most 4096 characters");
            return;
        }
        try {
            HfModelDirectory.inspect(Path.of(m.path()), m.contextLength());
        } catch (IllegalArgumentException | IllegalStateException
                 | java.io.UncheckedIOException e) {
            errors.add(field, field + " = \"" + m.path() + "\": " + e.getMessage());
        }
    }
}
