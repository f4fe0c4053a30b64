package dev.forkpoint.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.forkpoint.analytics.law.EntropyLawFit;
import dev.forkpoint.analytics.law.EntropyPerformanceLaw;
import dev.forkpoint.analytics.law.LawPoint;
import dev.forkpoint.learner.cli.CommandLine;
import dev.forkpoint.learner.cli.TrainCommand;
import dev.forkpoint.learner.cli.WarmStartCommand;
import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.rollout.checkpoint.AtomicFileWriter;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The entropy study: a grid of (configuration, seed) runs from one warm-start base, each run exactly as
 * {@code forkpoint train} runs it (the same command, with a checkpoint directory and a metrics file), resumable at
 * two levels: a finished run is not repeated, and an interrupted one continues from its latest checkpoint. After
 * every run the results file is rewritten with every finished run's config and steps and the per-configuration
 * summaries.
 *
 * <p>The grid file (YAML or JSON):
 * <pre>
 * base: {path: runs/entropy-study/base.fpckpt, warmStart: [--steps, "3000", ...]}   # forkpoint warm-start flags
 * run: bench/configs/learning.yaml          # the run config every entry starts from
 * steps: 200                                 # training.steps of every run
 * seeds: [1, 2, 3]                           # default seeds of an entry
 * work: runs/entropy-study                   # run directories
 * entries:
 *   - {name: GRPO, preset: GRPO}
 *   - {name: KL_COV-r0.02, preset: KL_COV, set: ["objective.klCov.ratio=0.02"], seeds: [1]}
 * </pre>
 * Each run's config is the run file with {@code objective} replaced by {@code {preset}}, then the entry's
 * {@code set} assignments, then {@code seed}, {@code name}, {@code model.checkpoint} (the base) and
 * {@code training.steps}: the document {@code forkpoint train} takes, recorded in the results.
 */
public final class EntropyStudy {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Steps at the end of a run whose mean entropy and rollout accuracy the law's prediction is checked on. */
    static final int LAW_TAIL = 10;

    private EntropyStudy() {}

    /** One configuration of the grid. */
    record Entry(String name, String preset, List<String> set, List<Long> seeds) {}

    /** The parsed grid file. */
    record Grid(Path base, List<String> warmStart, Path run, int steps, Path work, List<Entry> entries) {

        static Grid read(Path file) {
            Map<String, Object> doc = ConfigDocuments.read(file);
            JsonNode g = JSON.valueToTree(doc);
            Path dir = Path.of(".");
            JsonNode base = require(g, "base");
            List<Long> seeds = longs(g.path("seeds"), List.of(1L));
            List<Entry> entries = new ArrayList<>();
            for (JsonNode e : require(g, "entries")) {
                entries.add(new Entry(require(e, "name").asString(), require(e, "preset").asString(),
                        strings(e.path("set")), e.has("seeds") ? longs(e.get("seeds"), seeds) : seeds));
            }
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("grid " + file + ": entries is empty");
            }
            if (entries.stream().map(Entry::name).distinct().count() != entries.size()) {
                throw new IllegalArgumentException("grid " + file + ": entry names must be distinct");
            }
            return new Grid(dir.resolve(require(base, "path").asString()), strings(base.path("warmStart")),
                    dir.resolve(require(g, "run").asString()), require(g, "steps").asInt(),
                    dir.resolve(g.path("work").asString("runs/entropy-study")), entries);
        }

        private static JsonNode require(JsonNode n, String key) {
            if (!n.has(key) || n.get(key).isNull()) {
                throw new IllegalArgumentException("grid: '" + key + "' is required");
            }
            return n.get(key);
        }

        private static List<String> strings(JsonNode n) {
            List<String> out = new ArrayList<>();
            n.forEach(v -> out.add(v.asString()));
            return out;
        }

        private static List<Long> longs(JsonNode n, List<Long> fallback) {
            if (n.isMissingNode() || n.isNull()) {
                return fallback;
            }
            List<Long> out = new ArrayList<>();
            n.forEach(v -> out.add(v.asLong()));
            return out;
        }
    }

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("grid", "out", "max-runs"), Set.of("base-only"), Set.of());
        Grid grid = Grid.read(Path.of(line.get("grid", "bench/configs/entropy-study.yaml")));
        Path out = Path.of(line.get("out", "bench/results/entropy-study.json"));
        int maxRuns = line.intValue("max-runs", Integer.MAX_VALUE);
        run(grid, out, line.has("base-only"), maxRuns, System.out);
    }

    /**
     * Builds the base if it is missing, then (unless {@code baseOnly}) runs every unfinished run, at most
     * {@code maxRuns} of them in this call, rewriting {@code out} after each.
     */
    static void run(Grid grid, Path out, boolean baseOnly, int maxRuns, PrintStream log) throws Exception {
        if (!Files.exists(grid.base())) {
            List<String> flags = new ArrayList<>(grid.warmStart());
            flags.add("--out");
            flags.add(grid.base().toString());
            log.println("entropy study: building the base " + grid.base());
            int code = new WarmStartCommand().run(flags.toArray(String[]::new), log, log);
            if (code != 0) {
                throw new IllegalStateException("forkpoint warm-start " + flags + " failed with exit code " + code);
            }
        } else {
            log.println("entropy study: base " + grid.base() + " exists");
        }
        if (baseOnly) {
            return;
        }
        int started = 0;
        for (Entry e : grid.entries()) {
            for (long seed : e.seeds()) {
                Path dir = grid.work().resolve(runName(e, seed));
                if (Files.exists(dir.resolve("done"))) {
                    continue;
                }
                if (started++ >= maxRuns) {
                    log.println("entropy study: stopping after " + maxRuns + " runs (--max-runs)");
                    write(grid, out);
                    return;
                }
                train(grid, e, seed, dir, log);
                write(grid, out);
            }
        }
        write(grid, out);
        log.println("entropy study: wrote " + out.toAbsolutePath());
    }

    static String runName(Entry e, long seed) {
        return e.name() + "-s" + seed;
    }

    /** The run's config document, as {@code forkpoint train} takes it. */
    static Map<String, Object> config(Grid grid, Entry e, long seed) {
        Map<String, Object> doc = ConfigDocuments.read(grid.run());
        doc.put("objective", new LinkedHashMap<>(Map.of("preset", e.preset())));
        for (String assignment : e.set()) {
            ConfigDocuments.set(doc, assignment);
        }
        ConfigDocuments.set(doc, "seed=" + seed);
        ConfigDocuments.set(doc, "name=" + runName(e, seed).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"));
        ConfigDocuments.set(doc, "model.checkpoint=" + grid.base());
        ConfigDocuments.set(doc, "training.steps=" + grid.steps());
        RunSpec spec = RunSpec.parse(doc);
        return spec.toDocument();
    }

    private static void train(Grid grid, Entry e, long seed, Path dir, PrintStream log) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.json");
        AtomicFileWriter.write(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config(grid, e, seed))
                .getBytes(StandardCharsets.UTF_8));
        log.println("entropy study: " + runName(e, seed));
        int code = new TrainCommand().run(new String[] {config.toString(), "--checkpoint-dir",
                dir.resolve("checkpoints").toString(), "--metrics-out", dir.resolve("metrics.jsonl").toString(),
                "--resume"}, log, log);
        if (code != 0) {
            throw new IllegalStateException("forkpoint train " + config + " failed with exit code " + code);
        }
        Files.writeString(dir.resolve("done"), "");
    }

    /** The results file: every finished run, then the summaries per configuration. */
    static void write(Grid grid, Path out) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode setting = root.putObject("setting");
        setting.put("base", grid.base().toString());
        if (Files.exists(grid.base())) {
            // what --base-only must rebuild, byte for byte
            setting.put("base_sha256", CheckpointFiles.sha256(grid.base()));
        }
        setting.put("run", grid.run().toString());
        setting.put("steps", grid.steps());
        // The runs train in this process, so a rerun repeats them bit for bit at its torch thread count (forkpoint
        // train --threads N). The engine is started first: a call that only rewrites the results trained nothing.
        Engine.getEngine("PyTorch");
        setting.put("torch_threads", JniUtils.getNumThreads());
        ArrayNode runs = root.putArray("runs");
        ArrayNode summaries = root.putArray("summaries");
        for (Entry e : grid.entries()) {
            List<List<JsonNode>> finished = new ArrayList<>();
            for (long seed : e.seeds()) {
                Path dir = grid.work().resolve(runName(e, seed));
                if (!Files.exists(dir.resolve("done"))) {
                    continue;
                }
                List<JsonNode> steps = new ArrayList<>();
                for (String l : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
                    if (!l.isBlank()) {
                        steps.add(JSON.readTree(l));
                    }
                }
                finished.add(steps);
                ObjectNode r = runs.addObject();
                r.put("name", e.name());
                r.put("preset", e.preset());
                r.put("seed", seed);
                r.set("config", JSON.readTree(dir.resolve("config.json").toFile()));
                ArrayNode rows = r.putArray("steps");
                for (JsonNode s : steps) {
                    ObjectNode row = rows.addObject();
                    row.put("step", s.get("step").asInt());
                    row.set("reward", s.get("reward"));
                    row.set("entropy", s.get("entropy"));
                    row.set("eval_accuracy", s.get("evalAccuracy"));
                    row.set("accuracy", s.get("accuracy"));
                    row.set("kl", s.get("kl"));
                    row.set("clipfrac", s.get("clipfrac"));
                    row.set("tokens_sampled", s.get("tokensSampled"));
                    // every other metric of the step, under its name in GET /api/v1/runs/{id}/metrics, timings
                    // left out (they are the machine's, not the run's): what a rerun must reproduce
                    ObjectNode all = row.putObject("metrics");
                    s.get("metrics").properties().forEach(m -> {
                        if (!m.getKey().startsWith("timing/")) {
                            all.set(m.getKey(), m.getValue());
                        }
                    });
                }
            }
            if (!finished.isEmpty()) {
                summaries.add(summary(e, finished));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        AtomicFileWriter.write(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Mean and sample standard deviation over seeds of: the last evaluated held-out accuracy, the entropy at the last
     * step and its mean over the last {@value #LAW_TAIL} steps ({@code end_entropy}, steadier), the entropy
     * half-life (the first step whose entropy is at most half of step 1's; runs that never get there are counted in
     * {@code not_halved}), and the law {@code R = -a exp(H) + b} fitted per run on the first
     * third of its steps (rollout accuracy against entropy, one point per step), with the accuracy it predicts at
     * the mean entropy of the last {@value #LAW_TAIL} steps against their mean rollout accuracy (one step's rollout
     * accuracy alone has about 2 points of sampling noise), and the root-mean-square error of its per-step
     * predictions over the other two thirds ({@code law_rmse}, the paper's yardstick) beside the RMSE of those
     * steps around their own mean ({@code constant_rmse}: a constant known in hindsight, the floor that a step's
     * sampling noise sets); and the mean absolute step-to-step change of entropy over those later two thirds
     * ({@code entropy_step_change}: how smoothly entropy moves once the early collapse is over, what STEER claims
     * to steady).
     */
    static ObjectNode summary(Entry e, List<List<JsonNode>> runs) {
        List<Double> finalEval = new ArrayList<>();
        List<Double> finalEntropy = new ArrayList<>();
        List<Double> endEntropy = new ArrayList<>();
        List<Double> halfLife = new ArrayList<>();
        List<Double> predicted = new ArrayList<>();
        List<Double> reached = new ArrayList<>();
        List<Double> ceiling = new ArrayList<>();
        List<Double> rmse = new ArrayList<>();
        List<Double> constantRmse = new ArrayList<>();
        List<Double> stepChange = new ArrayList<>();
        int notHalved = 0;
        for (List<JsonNode> steps : runs) {
            for (int i = steps.size() - 1; i >= 0; i--) {
                JsonNode v = steps.get(i).get("evalAccuracy");
                if (v != null && !v.isNull()) {
                    finalEval.add(v.asDouble());
                    break;
                }
            }
            JsonNode last = steps.get(steps.size() - 1);
            finalEntropy.add(last.get("entropy").asDouble());
            List<JsonNode> tail = steps.subList(Math.max(0, steps.size() - LAW_TAIL), steps.size());
            double tailEntropy = tail.stream().mapToDouble(s -> s.get("entropy").asDouble()).average().orElseThrow();
            endEntropy.add(tailEntropy);
            double h0 = steps.get(0).get("entropy").asDouble();
            Double half = null;
            for (JsonNode s : steps) {
                if (s.get("entropy").asDouble() <= h0 / 2) {
                    half = s.get("step").asDouble();
                    break;
                }
            }
            if (half == null) {
                notHalved++;
            } else {
                halfLife.add(half);
            }
            List<LawPoint> points = new ArrayList<>();
            for (JsonNode s : steps) {
                points.add(new LawPoint(s.get("step").asLong(), s.get("entropy").asDouble(),
                        s.get("accuracy").asDouble()));
            }
            int n = Math.max(2, steps.size() / 3);
            if (steps.size() > n + 1) {
                double sum = 0;
                for (int i = n + 1; i < steps.size(); i++) {
                    sum += Math.abs(steps.get(i).get("entropy").asDouble() - steps.get(i - 1).get("entropy").asDouble());
                }
                stepChange.add(sum / (steps.size() - n - 1));
            }
            try {
                EntropyLawFit fit = EntropyPerformanceLaw.fit(points, n);
                predicted.add(fit.predict(tailEntropy));
                reached.add(tail.stream().mapToDouble(s -> s.get("accuracy").asDouble()).average().orElseThrow());
                ceiling.add(fit.ceiling());
                List<LawPoint> later = points.subList(n, points.size());
                if (!later.isEmpty()) {
                    rmse.add(rms(later, p -> fit.predict(p.entropy()) - p.performance()));
                    double mean = later.stream().mapToDouble(LawPoint::performance).average().orElseThrow();
                    constantRmse.add(rms(later, p -> p.performance() - mean));
                }
            } catch (IllegalArgumentException constantEntropy) {
                // No slope to fit (constant entropy over the first third): the run has no law figures.
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("name", e.name());
        o.put("preset", e.preset());
        o.putPOJO("set", e.set());
        o.put("seeds", runs.size());
        stat(o, "final_eval_accuracy", finalEval);
        stat(o, "final_entropy", finalEntropy);
        stat(o, "end_entropy", endEntropy);
        stat(o, "entropy_half_life", halfLife);
        o.put("not_halved", notHalved);
        stat(o, "law_predicted_accuracy", predicted);
        stat(o, "law_reached_accuracy", reached);
        stat(o, "law_ceiling", ceiling);
        stat(o, "law_rmse", rmse);
        stat(o, "constant_rmse", constantRmse);
        stat(o, "entropy_step_change", stepChange);
        return o;
    }

    /** Root mean square of {@code error} over {@code points}. */
    private static double rms(List<LawPoint> points, ToDoubleFunction<LawPoint> error) {
        double sum = 0;
        for (LawPoint p : points) {
            sum += Math.pow(error.applyAsDouble(p), 2);
        }
        return Math.sqrt(sum / points.size());
    }

    private static void stat(ObjectNode o, String key, List<Double> values) {
        ObjectNode s = o.putObject(key);
        s.put("n", values.size());
        if (values.isEmpty()) {
            s.putNull("mean");
            s.putNull("std");
            return;
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        s.put("mean", mean);
        if (values.size() > 1) {
            s.put("std", Math.sqrt(ss / (values.size() - 1)));
        } else {
            s.putNull("std");
        }
    }
}
