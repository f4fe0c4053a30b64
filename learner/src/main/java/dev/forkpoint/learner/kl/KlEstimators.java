package dev.forkpoint.learner.kl;

import dev.forkpoint.learner.NamedRegistry;
import dev.forkpoint.rollout.policy.AutogradScalar;

/**
 * The KL estimators of docs/algorithms.md section 12 by their config name ({@code kl.kind}):
 * k1 = {@code -d}, k2 = {@code d^2 / 2}, k3 = {@code clamp(exp(d) - d - 1, -10, 10)} (verl's low_var_kl),
 * with {@code d = ref - lp}.
 */
public final class KlEstimators {

    public static final NamedRegistry<KlEstimator> REGISTRY = new NamedRegistry<KlEstimator>("kl.kind")
            .register("k1", (lp, ref) -> lp.sub(ref))
            .register("k2", (lp, ref) -> ref.sub(lp).square().mul(AutogradScalar.of(lp, 0.5)))
            .register("k3", (lp, ref) -> {
                var d = ref.sub(lp);
                return d.exp().sub(d).sub(1f).clip(-10f, 10f);
            });

    private KlEstimators() {
    }
}
