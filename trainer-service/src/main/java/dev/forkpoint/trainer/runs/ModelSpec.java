package dev.forkpoint.trainer.runs;

/**
 * The policy to train: the built-in decoder-only transformer's shape, or a base checkpoint to start from.
 *
 * @param layers        number of decoder blocks (default 4)
 * @param heads         attention heads per block; must divide {@code dModel} (default 4)
 * @param dModel        width of the residual stream (default 128)
 * @param contextLength maximum prompt + response length in tokens (default 128)
 * @param checkpoint    optional path of a base checkpoint (e.g. from the warm-start command); when set,
 *                      its stored model config is used and the shape fields must agree with it
 * @param warmStart     supervised fine-tuning on the task's worked solutions before RL, for a fresh run of the
 *                      built-in model (default: none)
 */
public record ModelSpec(Integer layers, Integer heads, Integer dModel, Integer contextLength, String checkpoint,
                        WarmStartSpec warmStart) {

    public ModelSpec {
        layers = layers == null ? 4 : layers;
        heads = heads == null ? 4 : heads;
        dModel = dModel == null ? 128 : dModel;
        contextLength = contextLength == null ? 128 : contextLength;
        warmStart = warmStart == null ? WarmStartSpec.defaults() : warmStart;
    }


    static ModelSpec defaults() {
        return new ModelSpec(null, null, null, null, null, null);
    }

    void validate(FieldErrors errors) {
        errors.range("model.layers", layers, 1, 64);
        errors.range("model.heads", heads, 1, 128);
        errors.range("model.dModel", dModel, 8, 8192);
        errors.range("model.contextLength", contextLength, 8, 32768);
        if (heads >= 1 && dModel % heads != 0) {
            errors.add("model.heads", "model.heads = " + heads + ": must divide model.dModel = " + dModel);
        }
        if (checkpoint != null && (checkpoint.isBlank() || checkpoint.length() > 4096)) {
            errors.add("model.checkpoint", "model.checkpoint: must be a non-blank path of at most 4096 characters");
        }
        warmStart.validate(errors, this);
    }
}
