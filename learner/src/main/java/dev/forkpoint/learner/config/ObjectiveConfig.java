package dev.forkpoint.learner.config;

import dev.forkpoint.learner.advantage.AdvantageEstimators;
import dev.forkpoint.learner.aggregation.LossAggregations;
import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.learner.loss.TokenLosses;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy objective, composed of the parts of docs/algorithms.md sections 1-14. {@link #SCHEMA} declares every
 * key once (type, default, range, help, source); {@link #parse} reads a user's {@code objective} document with it,
 * and {@link ObjectivePreset} builds the named presets as documents of overrides over the same schema.
 *
 * <p>Adding a part: an options record with a {@code PART} section (its keys, defaults, ranges and help), one entry
 * in {@link #PARTS}, and the code that uses it. Parsing, the presets listing, the OpenAPI schema and
 * docs/config-reference.md follow from the declaration.
 *
 * @param preset       the preset the document started from; null when none (then the defaults below)
 * @param advantage    advantage estimator (section 1)
 * @param normAdvByStd GRPO divides by the group std; false is Dr. GRPO
 * @param loss         token loss (sections 7-9)
 * @param clipLow      epsLow0
 * @param clipHigh     epsHigh0
 * @param clipC        dual-clip constant; null unless {@code loss = ppo}
 * @param agg          aggregation mode (section 13)
 * @param maxLen       Lmax of {@code seq-mean-token-sum-norm}; null = each mini-batch's padded response length
 * @param parts        the parts that are on, by key, each its options record (see {@link #part})
 */
public record ObjectiveConfig(String preset, String advantage, boolean normAdvByStd, String loss, double clipLow,
                              double clipHigh, Double clipC, String agg, Integer maxLen, Map<String, Object> parts) {

    public static final String PPO = "ppo";
    public static final String CLIP_COV = "clip_cov";
    public static final String KL_COV = "kl_cov";
    public static final String GRPO = "grpo";
    public static final String TLGA = "tlga";
    public static final String SEQ_MEAN_TOKEN_SUM_NORM = "seq-mean-token-sum-norm";

    /** The optional and loss-bound parts, in the composition order of section 14 where it matters. */
    public static final List<Section<?>> PARTS = List.of(HapoOptions.PART, ClipCovOptions.PART, KlCovOptions.PART,
            ForkingOptions.PART, SteerOptions.PART, KlPenaltyOptions.PART, OverlongOptions.PART,
            DynamicSamplingOptions.PART);

    static final Field<ObjectiveConfig, String> ADVANTAGE = Field.choice("advantage", ObjectiveConfig::advantage,
                    List.copyOf(AdvantageEstimators.REGISTRY.names()))
            .defaultValue(GRPO).source("GRPO: DeepSeekMath; tlga: HAPO")
            .help("Advantage estimator (section 1): 'grpo' normalises each reward within its prompt group, "
                    + "'tlga' (HAPO's token-level group average) weights each response by its token count.");
    static final Field<ObjectiveConfig, Boolean> NORM_ADV_BY_STD = Field.bool("normAdvByStd",
                    ObjectiveConfig::normAdvByStd)
            .defaultValue(true).source("false: Dr. GRPO (Liu et al.)")
            .help("Divide GRPO advantages by the group's standard deviation; false gives Dr. GRPO's A = R - mean.");
    static final Field<ObjectiveConfig, String> LOSS = Field.choice("loss", ObjectiveConfig::loss,
                    List.copyOf(TokenLosses.REGISTRY.names()))
            .defaultValue(PPO).source("ppo: PPO/GRPO; clip_cov, kl_cov: Cui et al.")
            .help("Token loss: 'ppo' (clipped ratio with dual clip, section 7), 'clip_cov' (section 8) or 'kl_cov' "
                    + "(section 9).");
    static final Field<ObjectiveConfig, Double> CLIP_LOW = Field.number("clipLow", ObjectiveConfig::clipLow)
            .defaultValue(0.2).between(0, 1).source("PPO")
            .help("epsLow: the ratio is clipped below at 1 - clipLow.");
    static final Field<ObjectiveConfig, Double> CLIP_HIGH = Field.number("clipHigh", ObjectiveConfig::clipHigh)
            .defaultValue(0.2).min(0).source("PPO; 0.28 is DAPO's clip-higher")
            .help("epsHigh: the ratio is clipped above at 1 + clipHigh.");
    static final Field<ObjectiveConfig, Double> CLIP_C = Field.number("clipC", ObjectiveConfig::clipC)
            .defaultValue(3.0).above(1).source("dual-clip PPO (Ye et al.); DAPO recipes use 10")
            .appliesWhen(v -> PPO.equals(v.get(LOSS)), "with loss: ppo (clip_cov and kl_cov have no dual clip)")
            .help("Dual-clip constant c: a token with negative advantage loses at most -A c.");
    static final Field<ObjectiveConfig, String> AGG = Field.choice("agg", ObjectiveConfig::agg,
                    List.copyOf(LossAggregations.REGISTRY.names()))
            .defaultValue("token-mean").source("verl's loss_agg_mode")
            .help("How token losses become one number (section 13).");
    static final Field<ObjectiveConfig, Integer> MAX_LEN = Field.integer("maxLen", ObjectiveConfig::maxLen)
            .nullable("the padded response length of each mini-batch").min(1).source("Dr. GRPO")
            .appliesWhen(v -> SEQ_MEAN_TOKEN_SUM_NORM.equals(v.get(AGG)), "with agg: seq-mean-token-sum-norm")
            .help("Lmax, the constant normaliser of seq-mean-token-sum-norm.");

    /** The {@code objective} section: a preset, the core keys above, and every part. */
    public static final Section<ObjectiveConfig> SCHEMA = schema();

    /** The documented defaults with no preset: GRPO advantages, PPO clip 0.2/0.2, dual clip 3, token-mean. */
    public static final ObjectiveConfig DEFAULT = parse(Map.of());

    private static Section<ObjectiveConfig> schema() {
        Section<ObjectiveConfig> s = Section.<ObjectiveConfig>always("objective")
                .selector(new Section.Selector<>() {
                    @Override
                    public String key() {
                        return "preset";
                    }

                    @Override
                    public List<String> names() {
                        return Arrays.stream(ObjectivePreset.values()).map(Enum::name).toList();
                    }

                    @Override
                    public ObjectiveConfig base(String name) {
                        return ObjectivePreset.valueOf(name).config();
                    }

                    @Override
                    public String nameOf(ObjectiveConfig value) {
                        return value.preset();
                    }

                    @Override
                    public String help() {
                        return "The preset the other keys override (case-insensitive); without one, the defaults "
                                + "listed here (GRPO advantages, PPO clip 0.2/0.2, dual clip 3, token-mean, no KL).";
                    }
                })
                .fields(ADVANTAGE, NORM_ADV_BY_STD, LOSS, CLIP_LOW, CLIP_HIGH, CLIP_C, AGG, MAX_LEN)
                .rule((c, path, errors) -> {
                    if (TLGA.equals(c.advantage()) && !c.normAdvByStd()) {
                        errors.add(path + ".normAdvByStd", path + ".normAdvByStd = false: advantage = tlga always "
                                + "divides by the token-weighted std (section 1); use advantage: grpo for Dr. GRPO");
                    }
                })
                .whenAbsent(Map.of("preset", ObjectivePreset.GRPO.name()))
                .help("The policy objective: a preset and the keys that override it; a part's section turns it on "
                        + "({} for its defaults) and null turns it off.");
        for (Section<?> part : PARTS) {
            addPart(s, part);
        }
        return s.factory(v -> {
            Map<String, Object> on = new LinkedHashMap<>();
            for (Section<?> part : PARTS) {
                Object o = v.get(part.key());
                if (o != null) {
                    on.put(part.key(), o);
                }
            }
            return new ObjectiveConfig((String) v.get("preset"), v.get(ADVANTAGE), v.get(NORM_ADV_BY_STD), v.get(LOSS),
                    v.get(CLIP_LOW), v.get(CLIP_HIGH), v.get(CLIP_C), v.get(AGG), v.get(MAX_LEN),
                    Collections.unmodifiableMap(on));
        });
    }

    private static <O> void addPart(Section<ObjectiveConfig> s, Section<O> part) {
        s.child(part, c -> c.part(part));
    }

    /**
     * Reads an {@code objective} document: {@code preset} (optional, any case) and the keys that override it.
     * Throws {@link InvalidConfigException} naming every offending key ({@code objective.<key>}).
     */
    public static ObjectiveConfig parse(Map<String, ?> document) {
        FieldErrors errors = new FieldErrors();
        ObjectiveConfig c = SCHEMA.read(document, null, "objective", errors);
        errors.throwIfAny();
        return c;
    }

    /** The canonical document: preset (when one), every core key, and every part (null when off). */
    public Map<String, Object> toDocument() {
        return SCHEMA.render(this);
    }

    /** The options of {@code part} when it is on, else null. */
    @SuppressWarnings("unchecked")
    public <O> O part(Section<O> part) {
        return (O) parts.get(part.key());
    }

    ObjectiveConfig withPreset(String name) {
        return new ObjectiveConfig(name, advantage, normAdvByStd, loss, clipLow, clipHigh, clipC, agg, maxLen, parts);
    }

    public HapoOptions hapo() {
        return part(HapoOptions.PART);
    }

    public ClipCovOptions clipCov() {
        return part(ClipCovOptions.PART);
    }

    public KlCovOptions klCov() {
        return part(KlCovOptions.PART);
    }

    public ForkingOptions forking() {
        return part(ForkingOptions.PART);
    }

    public SteerOptions steer() {
        return part(SteerOptions.PART);
    }

    public KlPenaltyOptions kl() {
        return part(KlPenaltyOptions.PART);
    }

    public OverlongOptions overlong() {
        return part(OverlongOptions.PART);
    }

    public DynamicSamplingOptions dynamicSampling() {
        return part(DynamicSamplingOptions.PART);
    }
}
