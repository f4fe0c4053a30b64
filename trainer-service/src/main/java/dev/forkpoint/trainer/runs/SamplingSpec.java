package dev.forkpoint.trainer.runs;

/**
 * How rollouts are sampled (algorithms.md section 4).
 *
 * @param temperature         base temperature T_base (default 1.0)
 * @param adaptiveTemperature HAPO adaptive temperature {@code T = T_base (1 + tau h_hat)} (default false)
 * @param tau                 strength of the adaptive temperature (default 0.05)
 * @param topP                nucleus sampling mass; 1 disables it (default 1.0)
 * @param maxNewTokens        maximum generated tokens per response; below {@code model.contextLength}
 *                            (default 48)
 */
public record SamplingSpec(Double temperature, Boolean adaptiveTemperature, Double tau, Double topP,
                           Integer maxNewTokens) {

    public SamplingSpec {
        temperature = temperature == null ? 1.0 : temperature;
        adaptiveTemperature = adaptiveTemperature != null && adaptiveTemperature;
        tau = tau == null ? 0.05 : tau;
        topP = topP == null ? 1.0 : topP;
        maxNewTokens = maxNewTokens == null ? 48 : maxNewTokens;
    }

    static SamplingSpec defaults() {
        return new SamplingSpec(null, null, null, null, null);
    }

    void validate(FieldErrors errors, ModelSpec model) {
        errors.range("sampling.temperature", temperature, 0.0, true, 10.0);
        errors.range("sampling.tau", tau, 0.0, false, 1.0);
        errors.range("sampling.topP", topP, 0.0, true, 1.0);
        errors.range("sampling.maxNewTokens", maxNewTokens, 1, 32767);
        if (model.contextLength() >= 8 && maxNewTokens >= model.contextLength()) { // only against a valid length
            errors.add("sampling.maxNewTokens", "sampling.maxNewTokens = " + maxNewTokens
                    + ": must be below model.contextLength = " + model.contextLength());
        }
    }
}
