package dev.forkpoint.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.learner.loop.PolicyUpdate;
import dev.forkpoint.learner.loop.UpdateSettings;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.sampler.FinishReason;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Update benchmark: one optimiser step of the {@link PolicyUpdate} per preset on a mini-batch of 64
 * sequences of 16 prompt + 64 response tokens on the reference model (4 layers, d 128, 4 heads): forward with
 * gradient, the objective, backward, global-norm clipping and AdamW, plus the reference forward where the preset
 * has a KL term (GRPO). All presets are measured in one process, interleaved round by round so that machine
 * noise hits them alike; the median time per preset is reported.
 *
 * <pre>
 * ./forkpoint bench update [ROUNDS (default 7)] [OUT (default bench/results/update.json)]
 * </pre>
 *
 * Writes {@code {"tokens_per_s": {PRESET: x}, "relative_to_grpo": {PRESET: step time / GRPO step time}}} plus
 * the setting, counting prompt and response tokens.
 */
public final class UpdateBenchmark {

    static final int SEQUENCES = 64;
    static final int PROMPT = 16;
    static final int RESPONSE = 64;
    static final int GROUP = 8;

    private UpdateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds;
        try {
            rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ROUNDS = '" + args[0] + "' is not an integer; usage: UpdateBenchmark"
                    + " [ROUNDS (default 7)] [OUT (default bench/results/update.json)]");
        }
        Path out = Path.of(args.length > 1 ? args[1] : "bench/results/update.json");
        int warmup = 2;
        BuiltinTokenizer tok = new BuiltinTokenizer();
        ModelConfig config = ModelConfig.reference(tok.vocabSize(), 128);
        Device device = Device.cpu();
        ObjectivePreset[] presets = ObjectivePreset.values();
        Map<ObjectivePreset, Slot> slots = new LinkedHashMap<>();
        RolloutBatch batch;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            try (DecoderTransformer probe = DecoderTransformer.initialize(config, 1, device)) {
                batch = syntheticBatch(probe, manager, new Random(42));
            }
            double[] rewards = rewards();
            for (ObjectivePreset p : presets) {
                slots.put(p, new Slot(p, config, device, batch, rewards, tok.padId()));
            }
            int step = 0;
            for (int round = 0; round < warmup + rounds; round++) {
                step++;
                for (Slot s : slots.values()) {
                    long t0 = System.nanoTime();
                    try {
                        s.update.update(batch, s.advantages, step, manager);
                    } catch (IllegalStateException e) {
                        throw new IllegalStateException(s.preset + " round " + (round + 1) + ": " + e.getMessage(), e);
                    }
                    long t = System.nanoTime() - t0;
                    if (round >= warmup) {
                        s.times[round - warmup] = t;
                    }
                }
                System.out.printf(Locale.ROOT, "round %d/%d done%n", round + 1, warmup + rounds);
            }
            long tokens = (long) SEQUENCES * (PROMPT + RESPONSE);
            JsonMapper json = JsonMapper.builder().build();
            ObjectNode root = json.createObjectNode();
            ObjectNode tps = root.putObject("tokens_per_s");
            ObjectNode rel = root.putObject("relative_to_grpo");
            double grpo = median(slots.get(ObjectivePreset.GRPO).times);
            for (Slot s : slots.values()) {
                double med = median(s.times);
                tps.put(s.preset.name(), Math.round(tokens / (med / 1e9)));
                rel.put(s.preset.name(), Math.round(med / grpo * 1000) / 1000.0);
                System.out.printf(Locale.ROOT, "%-9s median %.1f ms  %.0f tokens/s  %.3fx GRPO%n", s.preset, med / 1e6,
                        tokens / (med / 1e9), med / grpo);
            }
            ObjectNode setting = root.putObject("setting");
            setting.put("model", "4 layers, d_model 128, 4 heads, vocab " + config.vocabSize());
            setting.put("mini_batch", SEQUENCES + " sequences x (" + PROMPT + " prompt + " + RESPONSE + " response) tokens");
            setting.put("measured", "median of " + rounds + " interleaved rounds after " + warmup
                    + " warm-up rounds; one update = forward with gradient, objective, backward, clipping, AdamW"
                    + " (+ reference forward for presets with a KL term)");
            setting.put("device", device.toString());
            setting.put("threads", Runtime.getRuntime().availableProcessors());
            setting.put("OMP_WAIT_POLICY", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            System.out.println("wrote " + out.toAbsolutePath());
            for (Slot s : slots.values()) {
                s.close();
            }
        }
    }

    /** A preset's own policy (same initial weights for all), optimiser and reference. */
    private static final class Slot implements AutoCloseable {
        final ObjectivePreset preset;
        final DecoderTransformer policy;
        final Policy reference;
        final AdamW optimizer;
        final PolicyUpdate update;
        final double[] advantages;
        final long[] times;

        Slot(ObjectivePreset preset, ModelConfig config, Device device, RolloutBatch batch, double[] rewards,
             int padId) {
            this.preset = preset;
            this.policy = DecoderTransformer.initialize(config, 1, device);
            PolicyObjective objective = new PolicyObjective(preset.config());
            this.reference = preset.config().kl() != null ? policy.frozenCopy() : null;
            this.optimizer = new AdamW(AdamW.Config.defaults(1e-5), policy.parameters());
            this.update = new PolicyUpdate(policy, reference, objective, optimizer, new UpdateSettings(1, 1, 1.0, 3),
                    padId);
            this.advantages = objective.advantages(rewards, batch.groups(), batch.responseLengths());
            this.times = new long[64];
        }

        @Override
        public void close() {
            optimizer.close();
            if (reference != null) {
                reference.close();
            }
            policy.close();
        }
    }

    /** Random ids; olp and H_old from the initial policy itself, so ratios start at 1 as after a real rollout. */
    static RolloutBatch syntheticBatch(DecoderTransformer policy, NDManager manager, Random rng) {
        int vocab = policy.config().vocabSize();
        int[][] prompts = new int[SEQUENCES][PROMPT];
        int[][] responses = new int[SEQUENCES][RESPONSE];
        long[] flat = new long[SEQUENCES * (PROMPT + RESPONSE)];
        for (int i = 0; i < SEQUENCES; i++) {
            for (int j = 0; j < PROMPT + RESPONSE; j++) {
                int id = 4 + rng.nextInt(vocab - 4);
                if (j < PROMPT) {
                    prompts[i][j] = id;
                } else {
                    responses[i][j - PROMPT] = id;
                }
                flat[i * (PROMPT + RESPONSE) + j] = id;
            }
        }
        float[][] olp = new float[SEQUENCES][RESPONSE];
        float[][] h = new float[SEQUENCES][RESPONSE];
        try (NDManager sub = manager.newSubManager()) {
            Shape shape = new Shape(SEQUENCES, PROMPT + RESPONSE);
            NDArray tokens = sub.create(flat, shape);
            NDArray mask = sub.ones(shape, ai.djl.ndarray.types.DataType.INT64);
            Policy.TokenScores s = policy.score(tokens, mask);
            float[] lp = s.logProbs().toFloatArray();
            float[] ent = s.entropy().toFloatArray();
            int w = PROMPT + RESPONSE - 1;
            for (int i = 0; i < SEQUENCES; i++) {
                for (int j = 0; j < RESPONSE; j++) {
                    olp[i][j] = lp[i * w + PROMPT - 1 + j];
                    h[i][j] = ent[i * w + PROMPT - 1 + j];
                }
            }
        }
        int[] groups = new int[SEQUENCES];
        String[] ids = new String[SEQUENCES];
        float[][] temps = new float[SEQUENCES][RESPONSE];
        FinishReason[] reasons = new FinishReason[SEQUENCES];
        for (int i = 0; i < SEQUENCES; i++) {
            groups[i] = i / GROUP;
            ids[i] = "bench:" + groups[i];
            Arrays.fill(temps[i], 1f);
            reasons[i] = FinishReason.LENGTH;
        }
        return new RolloutBatch(prompts, responses, olp, h, temps, groups, ids, new double[SEQUENCES],
                new boolean[SEQUENCES], reasons);
    }

    /** Seeded binary rewards: groups of 8 with mixed outcomes, as dynamic sampling would keep. */
    static double[] rewards() {
        double[] rewards = new double[SEQUENCES];
        Random r = new Random(7);
        for (int i = 0; i < SEQUENCES; i++) {
            rewards[i] = r.nextBoolean() ? 1 : 0;
        }
        return rewards;
    }

    static double median(long[] all) {
        long[] v = Arrays.stream(all).filter(x -> x > 0).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }
}
