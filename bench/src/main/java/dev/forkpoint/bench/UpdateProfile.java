package dev.forkpoint.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.learner.loop.PolicyUpdate;
import dev.forkpoint.learner.loop.UpdateSettings;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Where one preset's update spends its time, phase by phase ({@code timing/update_*} of {@link PolicyUpdate}), on
 * the {@link UpdateBenchmark}'s mini-batch. Arguments: preset (GRPO), updates (5).
 */
public final class UpdateProfile {

    private UpdateProfile() {
    }

    public static void main(String[] args) {
        ObjectivePreset preset = ObjectivePreset.byName(args.length > 0 ? args[0] : "GRPO");
        int updates = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        BuiltinTokenizer tok = new BuiltinTokenizer();
        ModelConfig config = ModelConfig.reference(tok.vocabSize(), 128);
        Device device = Device.cpu();
        try (NDManager manager = NDManager.newBaseManager(device);
             DecoderTransformer policy = DecoderTransformer.initialize(config, 1, device)) {
            RolloutBatch batch = UpdateBenchmark.syntheticBatch(policy, manager, new Random(42));
            PolicyObjective objective = new PolicyObjective(preset.config());
            double[] rewards = UpdateBenchmark.rewards();
            double[] adv = objective.advantages(rewards, batch.groups(), batch.responseLengths());
            try (DecoderTransformer ref = preset.config().kl() != null ? policy.frozenCopy() : null;
                 AdamW opt = new AdamW(AdamW.Config.defaults(1e-5), policy.parameters())) {
                PolicyUpdate update = new PolicyUpdate(policy, ref, objective, opt, new UpdateSettings(1, 1, 1.0, 3),
                        tok.padId());
                for (int i = 0; i < updates; i++) {
                    long t0 = System.nanoTime();
                    Map<String, Double> m = update.update(batch, adv, i + 1, manager);
                    long t = System.nanoTime() - t0;
                    Map<String, Double> timing = new TreeMap<>();
                    m.forEach((k, v) -> {
                        if (k.startsWith("timing/")) {
                            timing.put(k.substring("timing/update_".length()), Math.round(v * 1000) / 1.0);
                        }
                    });
                    System.out.printf("%s update %d: %.0f ms total, loss %s, grad_norm %s, phases (ms) %s%n", preset,
                            i + 1, t / 1e6, m.get("actor/loss"), m.get("actor/grad_norm"), timing);
                }
            }
        }
    }
}
