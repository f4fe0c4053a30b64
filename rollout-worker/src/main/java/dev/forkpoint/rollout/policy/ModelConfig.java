package dev.forkpoint.rollout.policy;

/**
 * Shape of the built-in decoder-only transformer (pre-LayerNorm, causal multi-head attention, GELU MLP,
 * tied output head, learned absolute positions).
 *
 * @param vocabSize     width of the embedding and of the tied output head
 * @param layers        number of decoder blocks
 * @param heads         attention heads; must divide {@code dModel}
 * @param dModel        residual width
 * @param contextLength maximum sequence length (prompt plus response)
 * @param mlpRatio      hidden width of the MLP as a multiple of {@code dModel} (GPT-2 uses 4)
 */
public record ModelConfig(int vocabSize, int layers, int heads, int dModel, int contextLength, int mlpRatio) {

    public ModelConfig {
        require(vocabSize >= 2, "vocabSize", vocabSize, "must be at least 2");
        require(layers >= 1, "layers", layers, "must be at least 1");
        require(heads >= 1, "heads", heads, "must be at least 1");
        require(dModel >= 1, "dModel", dModel, "must be at least 1");
        require(dModel % Math.max(heads, 1) == 0, "dModel", dModel, "must be divisible by heads (" + heads + ")");
        require(contextLength >= 2, "contextLength", contextLength, "must be at least 2");
        require(mlpRatio >= 1, "mlpRatio", mlpRatio, "must be at least 1");
    }

    /** The reference model of the benchmarks: 4 layers, d_model 128, 4 heads. */
    public static ModelConfig reference(int vocabSize, int contextLength) {
        return new ModelConfig(vocabSize, 4, 4, 128, contextLength, 4);
    }

    public int headDim() {
        return dModel / heads;
    }

    private static void require(boolean ok, String field, int value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("model." + field + " = " + value + ": " + rule);
        }
    }
}
