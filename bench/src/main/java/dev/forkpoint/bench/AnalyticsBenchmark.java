package dev.forkpoint.bench;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.stats.StepEntropyStats;
import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.stats.SummaryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Throughput of the step summariser on a step of 512 responses x 64
 * tokens with covariance values, and, given {@code --step-seconds S} (the measured wall time of one training
 * step), the analytics share of a step: {@code 2 x summarise seconds per phase batch / S} (two phases per step,
 * ROLLOUT and UPDATE). Without {@code --step-seconds} the share is written as null. Writes
 * {@code bench/results/analytics-summarizer.json} (or {@code --out PATH}).
 *
 * <p>Arguments: {@code --step-seconds S} {@code --steps N} (measured, default 200) {@code --warmup N} (default 100)
 * {@code --sequences N} (default 512) {@code --tokens N} (per response, default 64) {@code --out PATH}.
 */
public final class AnalyticsBenchmark {
    private AnalyticsBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Double stepSeconds = null;
        int steps = 200;
        int warmup = 100;
        int sequences = 512;
        int tokens = 64;
        Path out = Path.of("bench/results/analytics-summarizer.json");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--step-seconds" -> stepSeconds = Double.parseDouble(require(args[i], value));
                case "--steps" -> steps = Integer.parseInt(require(args[i], value));
                case "--warmup" -> warmup = Integer.parseInt(require(args[i], value));
                case "--sequences" -> sequences = Integer.parseInt(require(args[i], value));
                case "--tokens" -> tokens = Integer.parseInt(require(args[i], value));
                case "--out" -> out = Path.of(require(args[i], value));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; known: --step-seconds --steps --warmup --sequences --tokens --out");
            }
            i++;
        }
        if (stepSeconds != null && !(stepSeconds > 0)) {
            throw new IllegalArgumentException("--step-seconds = " + stepSeconds + ": must be > 0");
        }

        List<StepEntropyBatch> batches = new ArrayList<>();
        for (int s = 0; s < 8; s++) { // a few distinct batches so no result is reused across iterations
            batches.add(syntheticStep(s, sequences, tokens, new Random(1000 + s)));
        }
        StepEntropySummarizer summarizer = new StepEntropySummarizer(SummaryConfig.DEFAULTS);
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += summarizer.summarize(batches.get(i % batches.size())).aggregates().forkingTokenCount();
        }
        long[] nanos = new long[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            StepEntropyStats stats = summarizer.summarize(batches.get(i % batches.size()));
            nanos[i] = System.nanoTime() - t0;
            sink += stats.aggregates().forkingTokenCount();
        }
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        java.util.Arrays.sort(nanos);
        long tokensPerBatch = (long) sequences * tokens;
        double secondsPerBatch = total / 1e9 / steps;
        double tokensPerSecond = tokensPerBatch / secondsPerBatch;

        JsonMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("tokens_per_s", Math.round(tokensPerSecond));
        if (stepSeconds == null) {
            root.putNull("share_of_step_time");
        } else {
            root.put("share_of_step_time", 2 * secondsPerBatch / stepSeconds);
        }
        root.put("step_seconds", stepSeconds);
        root.put("phases_per_step", 2);
        root.put("sequences_per_batch", sequences);
        root.put("tokens_per_sequence", tokens);
        root.put("summarize_ms_per_batch_mean", secondsPerBatch * 1e3);
        root.put("summarize_ms_per_batch_median", nanos[steps / 2] / 1e6);
        root.put("summarize_ms_per_batch_max", nanos[steps - 1] / 1e6);
        root.put("measured_batches", steps);
        root.put("warmup_batches", warmup);
        root.put("available_processors", Runtime.getRuntime().availableProcessors());
        root.put("java", System.getProperty("java.version"));
        // the machine is shared: a load average above the core count means the numbers are pessimistic
        root.put("system_load_average",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        root.put("note", "summariser only (statistics, top-K strings, reservoir), one thread; the Postgres write"
                + " runs on the same consumer thread and is not included. share_of_step_time = 2 phases x"
                + " summarise time per batch / --step-seconds (null when not given).");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        System.out.println("(checksum " + sink + ") written to " + out.toAbsolutePath());
    }

    private static String require(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + ": missing value");
        }
        return value;
    }

    /**
     * A plausible step: ~half the tokens near-deterministic (H around 1e-3), the rest log-normal around 0.5 nats
     * (the 80/20 shape of Wang et al.); ids Zipf-like over a 32k vocabulary; 8 responses per prompt.
     */
    static StepEntropyBatch syntheticStep(long step, int sequences, int tokens, Random r) {
        List<SequenceEntropies> seqs = new ArrayList<>(sequences);
        for (int i = 0; i < sequences; i++) {
            float[] h = new float[tokens];
            int[] ids = new int[tokens];
            float[] cov = new float[tokens];
            for (int t = 0; t < tokens; t++) {
                h[t] = (float) (r.nextDouble() < 0.5 ? 1e-3 * Math.exp(r.nextGaussian())
                        : 0.5 * Math.exp(r.nextGaussian()));
                ids[t] = (int) Math.min(31999, Math.floor(Math.exp(r.nextDouble() * Math.log(32000))));
                cov[t] = (float) r.nextGaussian();
            }
            seqs.add(new SequenceEntropies(h, ids, r.nextBoolean(), "p" + (i / 8), cov));
        }
        return new StepEntropyBatch(new StepKey(1, step, Phase.ROLLOUT), seqs, id -> "tok" + id);
    }
}
