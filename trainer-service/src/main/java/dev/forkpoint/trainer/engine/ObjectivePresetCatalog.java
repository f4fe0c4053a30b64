package dev.forkpoint.trainer.engine;

import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.trainer.runs.PresetCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The learner's {@link ObjectivePreset}s for {@code GET /api/v1/presets}, with their settings under the config
 * keys a user writes in {@code objective} (null sections are parts that are off).
 */
@Component
@ConditionalOnProperty(prefix = "forkpoint", name = "engine", havingValue = "djl", matchIfMissing = true)
public class ObjectivePresetCatalog implements PresetCatalog {

    private static final Map<ObjectivePreset, String> DESCRIPTIONS = Map.of(
            ObjectivePreset.GRPO, "GRPO: std-normalised group advantages, PPO clip 0.2, k3 KL to the reference 0.001",
            ObjectivePreset.DR_GRPO, "Dr. GRPO: no std division, constant normaliser (seq-mean-token-sum-norm)",
            ObjectivePreset.DAPO, "DAPO: clip-higher 0.2/0.28, dual clip 10, token-mean, overlong shaping, dynamic sampling",
            ObjectivePreset.HAPO, "HAPO: token-level group average, entropy-adaptive clipping, advantages and temperature",
            ObjectivePreset.CLIP_COV, "Clip-Cov: detaches the gradient of a few high-covariance tokens",
            ObjectivePreset.KL_COV, "KL-Cov: |lp - olp| penalty on the top tokens by covariance",
            ObjectivePreset.FORKING, "DAPO + forking-token-only updates (top 20% entropy tokens)",
            ObjectivePreset.STEER, "DAPO + STEER entropy-change reweighting (linear 0.8/1.2)");

    private final List<Preset> presets;

    public ObjectivePresetCatalog() {
        List<Preset> list = new ArrayList<>();
        for (ObjectivePreset p : ObjectivePreset.values()) {
            list.add(new Preset(p.name(), DESCRIPTIONS.getOrDefault(p, p.name()), defaults(p.config())));
        }
        this.presets = List.copyOf(list);
    }

    @Override
    public List<Preset> presets() {
        return presets;
    }

    static Map<String, Object> defaults(ObjectiveConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("advantage", c.advantage());
        m.put("norm_adv_by_std", c.normAdvByStd());
        m.put("loss", c.loss());
        m.put("clip_low", c.clipLow());
        m.put("clip_high", c.clipHigh());
        m.put("clip_c", c.clipC());
        m.put("agg", c.agg());
        m.put("max_len", c.maxLen());
        m.put("hapo", c.hapo() == null ? null : ordered(
                "pivot", c.hapo().pivot(), "adaptive_clip", c.hapo().adaptiveClip(), "clip_alpha", c.hapo().clipAlpha(),
                "adaptive_advantage", c.hapo().adaptiveAdvantage(), "adv_beta", c.hapo().advBeta(),
                "adaptive_temperature", c.hapo().adaptiveTemperature(), "temperature_tau", c.hapo().temperatureTau()));
        m.put("clip_cov", c.clipCov() == null ? null : ordered("ratio", c.clipCov().ratio(), "lb", c.clipCov().lb(),
                "ub", c.clipCov().ub()));
        m.put("kl_cov", c.klCov() == null ? null : ordered("ratio", c.klCov().ratio(), "beta", c.klCov().beta()));
        m.put("forking", c.forking() == null ? null : ordered("rho", c.forking().rho(),
                "normalize", c.forking().normalize()));
        m.put("steer", c.steer() == null ? null : ordered("wmin", c.steer().wMin(), "wmax", c.steer().wMax(),
                "linear", c.steer().linear()));
        m.put("kl", c.kl() == null ? null : ordered("kind", c.kl().kind(), "coef", c.kl().coef()));
        m.put("overlong", c.overlong() == null ? null : ordered(
                "max_response_length", c.overlong().maxResponseLength(),
                "overlong_buffer", c.overlong().overlongBuffer(), "penalty_factor", c.overlong().penaltyFactor()));
        m.put("dynamic_sampling", c.dynamicSampling() == null ? null : ordered());
        return m;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
