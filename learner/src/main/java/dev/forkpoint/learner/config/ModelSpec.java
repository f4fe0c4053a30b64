package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/**
 * The policy to train: the built-in decoder-only transformer's shape, or a base checkpoint to start from (whose
 * stored shape the shape keys must then repeat).
 */
public record ModelSpec(int layers, int heads, int dModel, int contextLength, String checkpoint,
                        WarmStartSpec warmStart) {

    static final Field<ModelSpec, Integer> LAYERS = Field.integer("layers", ModelSpec::layers)
            .defaultValue(4).between(1, 64).help("Decoder blocks of the built-in model.");
    static final Field<ModelSpec, Integer> HEADS = Field.integer("heads", ModelSpec::heads)
            .defaultValue(4).between(1, 128).help("Attention heads per block; must divide dModel.");
    static final Field<ModelSpec, Integer> D_MODEL = Field.integer("dModel", ModelSpec::dModel)
            .defaultValue(128).between(8, 8192).help("Width of the residual stream.");
    static final Field<ModelSpec, Integer> CONTEXT_LENGTH = Field.integer("contextLength", ModelSpec::contextLength)
            .defaultValue(128).between(8, 32768).help("Longest prompt + response in tokens.");
    static final Field<ModelSpec, String> CHECKPOINT = Field.string("checkpoint", ModelSpec::checkpoint)
            .nullable("a fresh model initialised from the run seed")
            .help("Path of a base checkpoint to start from (e.g. from `forkpoint warm-start`); the shape keys must "
                    + "match the shape stored in it.");

    public static final Section<ModelSpec> SCHEMA = Section.<ModelSpec>always("model")
            .fields(LAYERS, HEADS, D_MODEL, CONTEXT_LENGTH, CHECKPOINT)
            .child(WarmStartSpec.SCHEMA, ModelSpec::warmStart)
            .factory(v -> new ModelSpec(v.get(LAYERS), v.get(HEADS), v.get(D_MODEL), v.get(CONTEXT_LENGTH),
                    v.get(CHECKPOINT), (WarmStartSpec) v.get(WarmStartSpec.SCHEMA.key())))
            .rule((m, path, errors) -> {
                if (m.dModel() % m.heads() != 0) {
                    errors.add(path + ".heads", path + ".heads = " + m.heads() + ": must divide " + path
                            + ".dModel = " + m.dModel());
                }
                if (m.checkpoint() != null && (m.checkpoint().isBlank() || m.checkpoint().length() > 4096)) {
                    errors.add(path + ".checkpoint", path + ".checkpoint: must be a non-blank path of at most 4096 "
                            + "characters");
                }
                if (m.warmStart().enabled() && m.checkpoint() != null) {
                    errors.add(path + ".warmStart.steps", path + ".warmStart.steps = " + m.warmStart().steps()
                            + ": a run from model.checkpoint starts from that policy; set steps to 0 or drop "
                            + "model.checkpoint");
                }
            })
            .help("The policy: the built-in model's shape, or a base checkpoint, and an optional warm start.");
}
