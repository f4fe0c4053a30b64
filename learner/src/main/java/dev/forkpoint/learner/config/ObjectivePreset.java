package dev.forkpoint.learner.config;

/**
 * The named presets of algorithms.md section 14 (the table in docs/objectives.md). Each is a plain
 * {@link ObjectiveConfig}; free combinations start from one (key {@code preset}) and override keys.
 */
public enum ObjectivePreset {

    /** GRPO (DeepSeekMath; verl's GRPO recipe): std-normalised group advantages, clip 0.2, KL k3 0.001. */
    GRPO(ObjectiveConfig.DEFAULT.withKl(KlPenaltyOptions.DEFAULT)),

    /** Dr. GRPO (Liu et al.): no std division, constant normaliser Lmax, no KL. */
    DR_GRPO(new ObjectiveConfig(ObjectiveConfig.GRPO, false, ObjectiveConfig.PPO, 0.2, 0.2,
            ObjectiveConfig.DEFAULT_CLIP_C, "seq-mean-token-sum-norm", null, null, null, null, null, null, null,
            null, null)),

    /** DAPO (Yu et al.): clip-higher 0.2/0.28, dual clip 10, token-mean, overlong shaping, dynamic sampling. */
    DAPO(Dapo.CONFIG),

    /** HAPO: token-level group average, h_hat clip/advantage/temperature, clip 0.2/0.2, dual clip 10. */
    HAPO(new ObjectiveConfig(ObjectiveConfig.TLGA, true, ObjectiveConfig.PPO, 0.2, 0.2, 10.0, "token-mean", null,
            HapoOptions.DEFAULT, null, null, null, null, null, null, null)),

    /** Clip-Cov (Cui et al.): the recipe's eps 1/1, covariance-based gradient detaching (section 8). */
    CLIP_COV(new ObjectiveConfig(ObjectiveConfig.GRPO, true, ObjectiveConfig.CLIP_COV, 1.0, 1.0, null,
            "token-mean", null, null, ClipCovOptions.DEFAULT, null, null, null, null, null, null)),

    /** KL-Cov (Cui et al.): unclipped ratio loss plus |lp - olp| on the top 2e-3 tokens by covariance. */
    KL_COV(new ObjectiveConfig(ObjectiveConfig.GRPO, true, ObjectiveConfig.KL_COV, 0.2, 0.2, null, "token-mean",
            null, null, null, KlCovOptions.DEFAULT, null, null, null, null, null)),

    /** DAPO + forking-token-only updates, rho 0.2, selected-token normalisation (section 10). */
    FORKING(Dapo.CONFIG.withForking(ForkingOptions.DEFAULT)),

    /** DAPO + STEER linear reweighting 0.8/1.2 (section 11). */
    STEER(Dapo.CONFIG.withSteer(SteerOptions.LINEAR_DEFAULT));

    private final ObjectiveConfig config;

    ObjectivePreset(ObjectiveConfig config) {
        this.config = config;
    }

    public ObjectiveConfig config() {
        return config;
    }

    /** The preset named {@code name} (case-insensitive); an unknown name lists the presets. */
    public static ObjectivePreset byName(String name) {
        for (ObjectivePreset p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("preset = '" + name + "': unknown; supported: "
                + java.util.Arrays.toString(values()));
    }

    /** Holder so FORKING and STEER can build on DAPO inside the enum's initialiser. */
    private static final class Dapo {
        static final ObjectiveConfig CONFIG = new ObjectiveConfig(ObjectiveConfig.GRPO, true, ObjectiveConfig.PPO,
                0.2, 0.28, 10.0, "token-mean", null, null, null, null, null, null, null, OverlongOptions.DEFAULT,
                DynamicSamplingOptions.DEFAULT);
    }
}
