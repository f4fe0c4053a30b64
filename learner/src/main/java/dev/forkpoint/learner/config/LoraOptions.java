package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.rollout.hf.LoraSpec;
import java.util.List;

/** LoRA adapters for a Hugging Face model ({@code model.lora}); off unless given. */
public record LoraOptions(int rank, double alpha, double dropout, List<String> targets) {

    static final Field<LoraOptions, Integer> RANK = Field.integer("rank", LoraOptions::rank)
            .defaultValue(16).between(1, 1024).source("PEFT's LoraConfig r (TRL's examples use 16)")
            .help("Inner width r of each adapter.");
    static final Field<LoraOptions, Double> ALPHA = Field.number("alpha", LoraOptions::alpha)
            .defaultValue(32.0).above(0).source("PEFT's lora_alpha")
            .help("Adapter outputs are scaled by alpha / rank.");
    static final Field<LoraOptions, Double> DROPOUT = Field.number("dropout", LoraOptions::dropout)
            .defaultValue(0.0).min(0).below(1).source("PEFT's lora_dropout")
            .help("Dropout on the adapters' input in the update's and the warm start's forwards (not in sampling or "
                    + "the KL reference), the mask a fixed function of the run seed, step and token, so resumes stay "
                    + "bit-identical.");
    static final Field<LoraOptions, List<String>> TARGETS = Field.choiceList("targets", LoraOptions::targets,
                    LoraSpec.TARGETS)
            .defaultValue(LoraSpec.TARGETS).source("the attention and MLP projections, as PEFT's all-linear")
            .help("The projections that get adapters.");

    public static final Section<LoraOptions> SECTION = Section.<LoraOptions>optional("lora")
            .fields(RANK, ALPHA, DROPOUT, TARGETS)
            .factory(v -> new LoraOptions(v.get(RANK), v.get(ALPHA), v.get(DROPOUT), v.get(TARGETS)))
            .help("Train low-rank adapters instead of every weight (a Hugging Face model only): the base stays "
                    + "frozen and, with the adapters off, is the KL reference, so no second copy is held.");

    /** The adapters as the decoder takes them. */
    public LoraSpec spec() {
        return new LoraSpec(rank, alpha, dropout, targets);
    }
}
