package dev.forkpoint.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.forkpoint.rollout.device.DeviceSelection;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.sampler.AdaptiveTemperature;
import dev.forkpoint.rollout.sampler.BatchSampler;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SampleBatch;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.sampler.TemperatureRule;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rollout throughput of the sampler (a benchmark, not a test; see {@code bench/README.md}): the reference
 * model (4 layers, d_model 128, 4 heads), 64 prompts x 8 samples, 64 new tokens with no early stop, in
 * three modes: KV cache at a fixed temperature, no cache (full recomputation every step), and KV cache
 * with HAPO adaptive temperature. Writes {@code bench/results/rollout.json}.
 *
 * <p>Arguments as {@code key=value}: {@code prompts}, {@code samples}, {@code newTokens}, {@code promptMax}
 * (prompt lengths are drawn in [promptMax/2, promptMax], so rows are left-padded), {@code vocab},
 * {@code reps} (timed repetitions of the cached modes; the uncached mode runs {@code uncachedReps}),
 * {@code device} (auto|cpu|gpu), {@code out}.
 */
public final class RolloutBenchmark {

    private RolloutBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = parse(args);
        int prompts = Integer.parseInt(a.getOrDefault("prompts", "64"));
        int samples = Integer.parseInt(a.getOrDefault("samples", "8"));
        int newTokens = Integer.parseInt(a.getOrDefault("newTokens", "64"));
        int promptMax = Integer.parseInt(a.getOrDefault("promptMax", "16"));
        int vocab = Integer.parseInt(a.getOrDefault("vocab", "64"));
        int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
        int uncachedReps = Integer.parseInt(a.getOrDefault("uncachedReps", "1"));
        Path out = Paths.get(a.getOrDefault("out", "bench/results/rollout.json"));
        Device device = DeviceSelection.resolve(a.getOrDefault("device", "cpu"));

        ModelConfig model = ModelConfig.reference(vocab, promptMax + newTokens);
        int[][] batch = prompts(prompts, samples, promptMax, vocab);
        // No stop token: every row generates exactly newTokens tokens, so all modes do the same work.
        SamplingConfig cached = new SamplingConfig(newTokens, new int[0], 0, 1.0, 1234L, true);
        SamplingConfig uncached = cached.withKvCache(false);
        TemperatureRule fixed = new FixedTemperature(1.0);
        AdaptiveTemperature adaptive = AdaptiveTemperature.hapoDefaults();

        // Other processes share the cores: record how busy the machine was, to read the numbers against.
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, Object> result = new LinkedHashMap<>();
        try (DecoderTransformer policy = DecoderTransformer.initialize(model, 7L, device);
             NDManager manager = NDManager.newBaseManager(device)) {
            BatchSampler sampler = new BatchSampler(policy);
            System.out.printf("device %s, %d cores, torch threads %d; %d rows x %d new tokens%n", device,
                    Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(), batch.length, newTokens);
            // Warm-up, and the "previous step" whose entropies give the adaptive temperature its statistics,
            // so the timed adaptive runs take the full h_hat path, not the first-step T_base shortcut.
            SampleBatch previous = sampler.generate(batch, cached, fixed, manager);
            adaptive.update(previous);

            List<Double> cachedRates = new ArrayList<>();
            List<Double> adaptiveRates = new ArrayList<>();
            List<Double> uncachedRates = new ArrayList<>();
            // Interleaved in ABBA order, so drift from other load and any position effect hit both alike.
            for (int r = 0; r < reps; r++) {
                if (r % 2 == 0) {
                    cachedRates.add(timed("cached", sampler, batch, cached.withSeed(r), fixed, manager));
                    adaptiveRates.add(timed("adaptive", sampler, batch, cached.withSeed(r), adaptive, manager));
                } else {
                    adaptiveRates.add(timed("adaptive", sampler, batch, cached.withSeed(r), adaptive, manager));
                    cachedRates.add(timed("cached", sampler, batch, cached.withSeed(r), fixed, manager));
                }
            }
            for (int r = 0; r < uncachedReps; r++) {
                uncachedRates.add(timed("uncached", sampler, batch, uncached.withSeed(r), fixed, manager));
            }
            double c = median(cachedRates);
            double u = median(uncachedRates);
            double t = median(adaptiveRates);
            result.put("tokens_per_s_cached", round(c));
            result.put("tokens_per_s_uncached", round(u));
            result.put("tokens_per_s_adaptive_temperature", round(t));
            result.put("cached_over_uncached", round(c / u * 100) / 100);
            result.put("adaptive_temperature_cost", round((1 - t / c) * 1000) / 1000);
            result.put("runs_tokens_per_s", ordered("cached", rounded(cachedRates), "uncached", rounded(uncachedRates),
                    "adaptive_temperature", rounded(adaptiveRates)));
            result.put("statistic", "median over runs; tokens = generated tokens (prompt tokens not counted)");
            result.put("model", ordered("layers", model.layers(), "d_model", model.dModel(), "heads", model.heads(),
                    "vocab", model.vocabSize(), "context", model.contextLength(), "mlp_ratio", model.mlpRatio()));
            result.put("batch", ordered("prompts", prompts, "samples_per_prompt", samples, "rows", batch.length,
                    "prompt_tokens_max", promptMax, "prompt_tokens_min", promptMax / 2, "new_tokens", newTokens,
                    "early_stop", false, "top_p", 1.0));
            result.put("adaptive_temperature", ordered("t_base", AdaptiveTemperature.DEFAULT_T_BASE,
                    "tau", AdaptiveTemperature.DEFAULT_TAU, "stats_from", "a previous rollout of the same batch"));
            result.put("machine", ordered("cores", Runtime.getRuntime().availableProcessors(),
                    "torch_threads", JniUtils.getNumThreads(),
                    "omp_wait_policy", String.valueOf(System.getenv("OMP_WAIT_POLICY")), "device", device.toString(),
                    "load_average_1min_at_start", loadAtStart,
                    "load_average_1min_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    "os_arch", System.getProperty("os.arch"), "java", System.getProperty("java.version")));
            result.put("date", Instant.now().toString());
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(out.toFile(), result);
        System.out.println("wrote " + out.toAbsolutePath());
        System.out.println(Files.readString(out));
    }

    private static double timed(String label, BatchSampler sampler, int[][] batch, SamplingConfig config,
                                TemperatureRule rule, NDManager manager) {
        long t0 = System.nanoTime();
        SampleBatch b = sampler.generate(batch, config, rule, manager);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = b.generatedTokens() / seconds;
        System.out.printf("%-9s %d tokens in %.2f s = %.0f tokens/s%n", label, b.generatedTokens(), seconds, rate);
        return rate;
    }

    /** {@code prompts} distinct prompts of random length in [promptMax/2, promptMax], each repeated {@code samples} times. */
    static int[][] prompts(int prompts, int samples, int promptMax, int vocab) {
        Random rng = new Random(99);
        int[][] out = new int[prompts * samples][];
        for (int p = 0; p < prompts; p++) {
            int len = promptMax / 2 + rng.nextInt(promptMax - promptMax / 2 + 1);
            int[] prompt = new int[len];
            for (int j = 0; j < len; j++) {
                prompt[j] = 1 + rng.nextInt(vocab - 1); // 0 is the pad id
            }
            for (int s = 0; s < samples; s++) {
                out[p * samples + s] = prompt;
            }
        }
        return out;
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double x) {
        return Math.round(x);
    }

    private static List<Long> rounded(List<Double> xs) {
        return xs.stream().map(Math::round).toList();
    }

    /** A JSON object that keeps the order its keys are written in. */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument '" + arg + "': expected key=value, e.g. reps=3");
            }
            m.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        List<String> known = Arrays.asList("prompts", "samples", "newTokens", "promptMax", "vocab", "reps",
                "uncachedReps", "device", "out");
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("argument '" + k + "': unknown; known are " + known);
            }
        }
        return m;
    }
}
