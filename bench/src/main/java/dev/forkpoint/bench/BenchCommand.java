package dev.forkpoint.bench;

import dev.forkpoint.learner.cli.Command;
import dev.forkpoint.rollout.logging.QuietLogging;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code forkpoint bench NAME [ARGS]}: the benchmarks and probes, each a {@code main} that writes its
 * {@code bench/results/*.json} (bench/README.md has what each measures and the recorded numbers). They live in
 * this module so that no production module carries them.
 */
public final class BenchCommand implements Command {

    /** One benchmark: how to run it and what to tell a user about it. */
    record Benchmark(String summary, String arguments, Main main) {
    }

    interface Main {
        void run(String[] args) throws Exception;
    }

    static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("rollout", new Benchmark("sampler tokens/s: KV cache, adaptive temperature, no cache "
                + "-> bench/results/rollout.json", "[reps=5] [prompts=64] [samples=8] [newTokens=64] [promptMax=16] "
                + "[vocab=64] [uncachedReps=1] [device=cpu] [out=bench/results/rollout.json]", RolloutBenchmark::main));
        BENCHMARKS.put("update", new Benchmark("one learner update per preset, tokens/s -> bench/results/update.json",
                "[ROUNDS (default 7)] [OUT (default bench/results/update.json)]", UpdateBenchmark::main));
        BENCHMARKS.put("update-profile", new Benchmark("where one preset's update spends its time, phase by phase "
                + "(printed)", "[PRESET (default GRPO)] [UPDATES (default 5)]", UpdateProfile::main));
        BENCHMARKS.put("learning", new Benchmark("held-out accuracy and entropy of every preset from one base "
                + "checkpoint -> bench/results/learning-<PRESET>.json", "--checkpoint BASE.fpckpt "
                + "[--budget steps:N|minutes:M] [--config bench/configs/learning.yaml] [--presets GRPO,DAPO,...] "
                + "[--out bench/results]", LearningBenchmark::main));
        BENCHMARKS.put("entropy-study", new Benchmark("a grid of (configuration, seed) runs from one warm-start "
                + "base, resumable -> bench/results/entropy-study.json", "[--grid bench/configs/entropy-study.yaml] "
                + "[--base-only] [--max-runs N] [--out bench/results/entropy-study.json]", EntropyStudy::main));
        BENCHMARKS.put("entropy-study-plots", new Benchmark("the entropy study's pictures (entropy curves, final "
                + "entropy against each knob, accuracy against entropy with the fitted law) -> docs/images/*.png",
                "[--in bench/results/entropy-study.json] [--out docs/images]", StudyPlots::main));
        BENCHMARKS.put("entropy-study-table", new Benchmark("the entropy study's summaries as a markdown table "
                + "(printed)", "[--in bench/results/entropy-study.json]", StudyTable::main));
        BENCHMARKS.put("cluster", new Benchmark("the cluster backend's step time against the local one, weight "
                + "publish/fetch MB/s, re-queue time after a worker's SIGKILL -> bench/results/cluster.json",
                "[--steps 4] [--worker-jar rollout-worker/target/rollout-worker-0.1.0-SNAPSHOT-exec.jar] "
                + "[--out bench/results/cluster.json]", ClusterBenchmark::main));
        BENCHMARKS.put("analytics", new Benchmark("entropy analytics' share of a real training step "
                + "-> bench/results/analytics.json", "[--steps 3] [--warmup 1] [--out bench/results/analytics.json]",
                AnalyticsStepBenchmark::main));
        BENCHMARKS.put("analytics-summarizer", new Benchmark("tokens/s of the step summariser alone "
                + "-> bench/results/analytics-summarizer.json", "[--step-seconds S] [--steps 200] [--warmup 100] "
                + "[--sequences 512] [--tokens 64] [--out FILE]", AnalyticsBenchmark::main));
        BENCHMARKS.put("hf-policy", new Benchmark("a real-shaped Hugging Face model: sampling and update tokens/s "
                + "(full, LoRA), the update's memory chunked vs plain -> bench/results/hf-policy.json",
                "[--shape smollm2-135m|qwen2.5-0.5b | --model DIR] [--sample-batch 32] [--prompt 64] [--new-tokens 64] "
                + "[--update-sequences 8] [--update-tokens 128] [--memory-shape qwen2.5-0.5b] [--memory-sequences 8] "
                + "[--memory-tokens 128,512] [--memory-paths chunked,plain] "
                + "[--reps 2] [--parts sampling,update,lora,memory] [--out bench/results/hf-policy.json]",
                HfPolicyBenchmark::main));
        BENCHMARKS.put("random-model", new Benchmark("a Hugging Face model directory of a real shape with random "
                + "weights, to measure training cost without downloads", "--out DIR [--shape smollm2-135m|qwen2.5-0.5b] "
                + "[--dtype bf16|f32] [--tokenizer-from testdata/hf-models/tiny-llama-f32] [--seed 1]",
                RandomHfModel::main));
        BENCHMARKS.put("decode-probe", new Benchmark("cached greedy decoding and score() throughput of the reference "
                + "model (printed)", "[BATCH (512)] [NEW_TOKENS (64)] [PREFIX (80)] [DEVICE (cpu)]",
                DecodeThroughputProbe::main));
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "run a benchmark or probe: " + String.join(", ", BENCHMARKS.keySet());
    }

    @Override
    public String usage() {
        StringBuilder b = new StringBuilder("""
                usage: forkpoint bench NAME [ARGS]
                       forkpoint bench NAME --help

                Benchmarks write bench/results/*.json (run from the repository root); bench/README.md says what each
                measures and holds the recorded numbers. Set OMP_WAIT_POLICY=PASSIVE (./forkpoint does) on a shared
                machine.

                """);
        BENCHMARKS.forEach((name, bench) -> b.append(String.format("  %-22s %s%n", name, bench.summary())));
        return b.toString();
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(usage());
            return args.length == 0 ? EXIT_USAGE : EXIT_OK;
        }
        Benchmark bench = BENCHMARKS.get(args[0]);
        if (bench == null) {
            err.println("error: unknown benchmark '" + args[0] + "'; one of " + String.join(", ", BENCHMARKS.keySet()));
            return EXIT_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.println("usage: forkpoint bench " + args[0] + " " + bench.arguments());
            out.println();
            out.println(bench.summary());
            return EXIT_OK;
        }
        QuietLogging.apply();
        try {
            bench.main().run(rest);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: forkpoint bench " + args[0] + " " + bench.arguments());
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
}
