package dev.forkpoint.bench;

import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.stream.EntropyStream;
import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.learner.run.StepObserver;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import dev.forkpoint.learner.analytics.EntropyStepObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The analytics share of a REAL training step: a GRPO step of the reference model (4 layers,
 * d_model 128) on countdown with 16 prompts x 8 samples, observed by the {@link EntropyStepObserver} the service uses
 * through an {@link EntropyStream} whose sink only summarises (timed; no database, the write is a separate cost).
 * {@code share_of_step_time} = summarise seconds of both phases of a step / that step's wall time;
 * {@code tokens_per_s} = tokens summarised / summarise seconds. Also reported: the training thread's own share
 * (building and submitting the batches, copying H and cov out of the update). Writes
 * {@code bench/results/analytics.json}.
 *
 * <pre>AnalyticsStepBenchmark [--steps 3] [--warmup 1] [--out bench/results/analytics.json]</pre>
 */
public final class AnalyticsStepBenchmark {

    private AnalyticsStepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int steps = 3;
        int warmup = 1;
        Path out = Path.of("bench/results/analytics.json");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--steps N] [--warmup N] [--out FILE]");
            }
        }
        RunSpec config = RunSpec.parse(ConfigDocuments.parseJson("""
                {"name": "analytics-bench", "seed": 3, "device": "cpu",
                 "model": {"layers": 4, "heads": 4, "dModel": 128, "contextLength": 128},
                 "task": {"name": "countdown", "numbers": 3}, "objective": {"preset": "GRPO"},
                 "sampling": {"temperature": 1.0, "maxNewTokens": 48},
                 "training": {"steps": %d, "promptsPerStep": 16, "groupSize": 8, "ppoEpochs": 1, "miniBatches": 2,
                              "evalEvery": 0, "checkpointEvery": 1000}}""".formatted(steps + warmup)));

        StepEntropySummarizer summarizer = new StepEntropySummarizer();
        AtomicLong summariseNanos = new AtomicLong();
        AtomicLong summarisedTokens = new AtomicLong();
        EntropyStream stream = new EntropyStream(8, 16, batches -> {
            for (StepEntropyBatch b : batches) {
                long t0 = System.nanoTime();
                summarizer.summarize(b);
                summariseNanos.addAndGet(System.nanoTime() - t0);
                summarisedTokens.addAndGet(b.tokenCount());
            }
        }, null);
        List<Map<String, Object>> measured = new ArrayList<>();
        double shareSum = 0;
        long tokensSum = 0;
        long nanosSum = 0;
        try (RlRun run = RlRun.open(config)) {
            EntropyStepObserver observer = new EntropyStepObserver(1, stream);
            AtomicLong producerNanos = new AtomicLong();
            run.observe(new StepObserver() { // times the training thread's side: batch building and submit
                @Override
                public void rollout(int step, RolloutBatch drawn, Tokenizer tokenizer) throws Exception {
                    long t0 = System.nanoTime();
                    observer.rollout(step, drawn, tokenizer);
                    producerNanos.addAndGet(System.nanoTime() - t0);
                }

                @Override
                public void update(int step, RolloutBatch batch, float[][] h, float[][] cov, Tokenizer tokenizer)
                        throws Exception {
                    long t0 = System.nanoTime();
                    observer.update(step, batch, h, cov, tokenizer);
                    producerNanos.addAndGet(System.nanoTime() - t0);
                }

                @Override
                public void close() throws Exception {
                    observer.close();
                }
            });
            for (int s = 0; s < warmup + steps; s++) {
                long before = summariseNanos.get();
                long producerBefore = producerNanos.get();
                long tokensBefore = summarisedTokens.get();
                long t0 = System.nanoTime();
                StepReport step = run.step();
                long wall = System.nanoTime() - t0;
                while (observer.pending() > 0 || stream.processedCount() < stream.submittedCount()) {
                    Thread.sleep(1); // the consumer finishes this step's two batches before the next is timed
                }
                long summarise = summariseNanos.get() - before;
                long tokens = summarisedTokens.get() - tokensBefore;
                double share = (double) summarise / wall;
                // Training-thread cost: the observer calls plus copying H and cov out in PolicyUpdate.
                double copySeconds = step.metrics().getOrDefault("timing/update_observer_s", 0.0)
                        * config.training().miniBatches();
                double producerSeconds = (producerNanos.get() - producerBefore) / 1e9 + copySeconds;
                System.out.printf("step %d: wall %.3f s, summarise %.1f ms (%d tokens, both phases), share %.4f%n",
                        step.step(), wall / 1e9, summarise / 1e6, tokens, share);
                if (s >= warmup) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("step", step.step());
                    m.put("step_seconds", wall / 1e9);
                    m.put("summarise_seconds", summarise / 1e9);
                    m.put("tokens_summarised", tokens);
                    m.put("share", share);
                    m.put("training_thread_seconds", producerSeconds);
                    m.put("training_thread_share", producerSeconds / (wall / 1e9));
                    measured.add(m);
                    shareSum += share;
                    tokensSum += tokens;
                    nanosSum += summarise;
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tokens_per_s", nanosSum == 0 ? null : (double) tokensSum / (nanosSum / 1e9));
        result.put("share_of_step_time", shareSum / steps);
        result.put("training_thread_share_mean", measured.stream()
                .mapToDouble(m -> (double) m.get("training_thread_share")).average().orElse(Double.NaN));
        result.put("steps", measured);
        result.put("warmup_steps", warmup);
        result.put("setup", "RlRun GRPO step, reference model (4 layers, d_model 128, 4 heads), countdown 3 numbers,"
                + " 16 prompts x 8 samples, maxNewTokens 48, 1 epoch x 2 mini-batches, cpu; analytics = the"
                + " EntropyStepObserver + EntropyStream (as the service), sink = StepEntropySummarizer only (timed on the"
                + " consumer thread, ROLLOUT + UPDATE batches of the step; the Postgres write is not included)");
        result.put("available_processors", Runtime.getRuntime().availableProcessors());
        result.put("system_load_average",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        result.put("java", System.getProperty("java.version"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(out, json.writeValueAsString(result) + "\n");
        System.out.println("wrote " + out + ": tokens_per_s " + result.get("tokens_per_s") + ", share_of_step_time "
                + result.get("share_of_step_time"));
    }
}
