package dev.forkpoint.learner.config;

import dev.forkpoint.learner.advantage.AdvantageEstimators;
import dev.forkpoint.learner.aggregation.LossAggregations;
import dev.forkpoint.learner.loss.TokenLosses;

/**
 * One policy objective, composed of the parts of algorithms.md sections 1-14. Every option has the spec's
 * default ({@link #DEFAULT}); the named presets are in {@link ObjectivePreset}; parse user input with
 * {@link ObjectiveConfigParser}. The canonical constructor rejects out-of-range values and meaningless
 * combinations with a message naming the config key, so no invalid config can exist.
 *
 * @param advantage       {@code advantage}: advantage estimator, {@code grpo} (default) or {@code tlga}
 *                        (HAPO token-level group average), section 1
 * @param normAdvByStd    {@code norm_adv_by_std}: GRPO divides by the group std (default true); false is
 *                        Dr. GRPO, section 1
 * @param loss            {@code loss}: token loss, {@code ppo} (default; PPO clip with dual clip, section 7),
 *                        {@code clip_cov} (section 8) or {@code kl_cov} (section 9)
 * @param clipLow         {@code clip_low}: epsLow0, lower clip range {@code 1 - epsLow}; default 0.2
 * @param clipHigh        {@code clip_high}: epsHigh0, upper clip range {@code 1 + epsHigh}; default 0.2
 *                        (DAPO clip-higher uses 0.28)
 * @param clipC           {@code clip_c}: dual-clip constant c for {@code ppo} (default 3; DAPO recipes 10);
 *                        null for {@code clip_cov} and {@code kl_cov}, which have no dual clip
 * @param agg             {@code agg}: aggregation mode of section 13; default {@code token-mean}
 * @param maxLen          {@code max_len}: Lmax of {@code seq-mean-token-sum-norm}; null = the batch's padded
 *                        response length (as verl); only meaningful with that mode
 * @param hapo            {@code hapo}: HAPO pieces (sections 3-6); null = off
 * @param clipCov         {@code clip_cov}: Clip-Cov options; non-null exactly when {@code loss = clip_cov}
 * @param klCov           {@code kl_cov}: KL-Cov options; non-null exactly when {@code loss = kl_cov}
 * @param forking         {@code forking}: forking-token mask (section 10); null = off
 * @param steer           {@code steer}: STEER reweighting (section 11); null = off
 * @param kl              {@code kl}: KL to a reference policy (section 12); null = off
 * @param overlong        {@code overlong}: DAPO overlong reward shaping (section 2); null = off
 * @param dynamicSampling {@code dynamic_sampling}: DAPO dynamic-sampling group filter (section 2); null = off
 */
public record ObjectiveConfig(String advantage, boolean normAdvByStd, String loss, double clipLow,
                              double clipHigh, Double clipC, String agg, Integer maxLen, HapoOptions hapo,
                              ClipCovOptions clipCov, KlCovOptions klCov, ForkingOptions forking,
                              SteerOptions steer, KlPenaltyOptions kl, OverlongOptions overlong,
                              DynamicSamplingOptions dynamicSampling) {

    public static final String PPO = "ppo";
    public static final String CLIP_COV = "clip_cov";
    public static final String KL_COV = "kl_cov";
    public static final String GRPO = "grpo";
    public static final String TLGA = "tlga";
    public static final double DEFAULT_CLIP_C = 3.0;

    /** The spec's defaults: GRPO advantages, PPO clip 0.2/0.2 with dual clip 3, token-mean, nothing else. */
    public static final ObjectiveConfig DEFAULT = new ObjectiveConfig(GRPO, true, PPO, 0.2, 0.2, DEFAULT_CLIP_C,
            "token-mean", null, null, null, null, null, null, null, null, null);

    public ObjectiveConfig {
        AdvantageEstimators.REGISTRY.get(advantage);
        TokenLosses.REGISTRY.get(loss);
        LossAggregations.REGISTRY.get(agg);
        ConfigChecks.closed("clip_low", clipLow, 0, 1);
        ConfigChecks.atLeast("clip_high", clipHigh, 0);
        if (TLGA.equals(advantage) && !normAdvByStd) {
            throw new IllegalArgumentException("norm_adv_by_std = false: advantage = tlga always divides by the "
                    + "token-weighted std (section 1); use advantage = grpo for Dr. GRPO");
        }
        if (PPO.equals(loss)) {
            if (clipC == null) {
                throw new IllegalArgumentException("clip_c = null: loss = ppo needs the dual-clip constant");
            }
            ConfigChecks.greaterThan("clip_c", clipC, 1.0);
        } else if (clipC != null) {
            throw new IllegalArgumentException("clip_c = " + clipC + ": loss = " + loss
                    + " has no dual clip (sections 8-9); remove clip_c");
        }
        if (CLIP_COV.equals(loss) != (clipCov != null)) {
            throw new IllegalArgumentException(clipCov == null
                    ? "clip_cov: missing; loss = clip_cov needs its options"
                    : "clip_cov: options given but loss = " + loss + "; set loss = clip_cov or remove clip_cov");
        }
        if (KL_COV.equals(loss) != (klCov != null)) {
            throw new IllegalArgumentException(klCov == null
                    ? "kl_cov: missing; loss = kl_cov needs its options"
                    : "kl_cov: options given but loss = " + loss + "; set loss = kl_cov or remove kl_cov");
        }
        if (maxLen != null) {
            if (!"seq-mean-token-sum-norm".equals(agg)) {
                throw new IllegalArgumentException("max_len = " + maxLen + ": only used by agg = "
                        + "seq-mean-token-sum-norm, but agg = " + agg);
            }
            if (maxLen < 1) {
                throw new IllegalArgumentException("max_len = " + maxLen + ": must be >= 1");
            }
        }
    }

    public ObjectiveConfig withForking(ForkingOptions options) {
        return new ObjectiveConfig(advantage, normAdvByStd, loss, clipLow, clipHigh, clipC, agg, maxLen, hapo,
                clipCov, klCov, options, steer, kl, overlong, dynamicSampling);
    }

    public ObjectiveConfig withSteer(SteerOptions options) {
        return new ObjectiveConfig(advantage, normAdvByStd, loss, clipLow, clipHigh, clipC, agg, maxLen, hapo,
                clipCov, klCov, forking, options, kl, overlong, dynamicSampling);
    }

    public ObjectiveConfig withKl(KlPenaltyOptions options) {
        return new ObjectiveConfig(advantage, normAdvByStd, loss, clipLow, clipHigh, clipC, agg, maxLen, hapo,
                clipCov, klCov, forking, steer, options, overlong, dynamicSampling);
    }
}
