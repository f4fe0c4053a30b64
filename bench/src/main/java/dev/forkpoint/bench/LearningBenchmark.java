package dev.forkpoint.bench;

import dev.forkpoint.rollout.logging.QuietLogging;
import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.rollout.checkpoint.AtomicFileWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Learning benchmark (not in CI): from one base checkpoint on countdown, the same run config, seed and
 * budget for each preset, writing {@code bench/results/learning-<preset>.json} as
 * {@code {"preset", "config", "steps": [{"step", "reward", "entropy", "eval_accuracy"}]}} (eval_accuracy on the
 * steps that evaluate, step 0 included; step 0 has no reward or entropy). The file is rewritten after every
 * step, so an interrupted benchmark keeps what it measured.
 *
 * <pre>
 * LearningBenchmark --checkpoint BASE.fpckpt [--budget steps:200 | --budget minutes:15]
 *                   [--config bench/configs/learning.yaml] [--presets GRPO,DAPO,...] [--out bench/results]
 * </pre>
 *
 * The config file gives everything but {@code objective.preset} and {@code model.checkpoint}; its
 * {@code training.steps} is replaced by a steps budget. A minutes budget keeps {@code training.steps} (so that a
 * decaying {@code training.lrSchedule} spans it) and stops a preset at the first step boundary past its time or at
 * {@code training.steps}, whichever comes first, recording the steps it reached.
 */
public final class LearningBenchmark {

    static final List<ObjectivePreset> DEFAULT_PRESETS = List.of(ObjectivePreset.GRPO, ObjectivePreset.DAPO,
            ObjectivePreset.HAPO, ObjectivePreset.CLIP_COV, ObjectivePreset.KL_COV, ObjectivePreset.FORKING,
            ObjectivePreset.STEER);

    private LearningBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        QuietLogging.apply();
        String checkpoint = null;
        String budget = "steps:200";
        Path configFile = Path.of("bench/configs/learning.yaml");
        List<ObjectivePreset> presets = DEFAULT_PRESETS;
        Path out = Path.of("bench/results");
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--checkpoint" -> checkpoint = v;
                case "--budget" -> budget = v;
                case "--config" -> configFile = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--presets" -> {
                    presets = new ArrayList<>();
                    for (String p : v.split(",")) {
                        presets.add(ObjectivePreset.byName(p.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: --checkpoint BASE --budget steps:N|minutes:M [--config FILE] [--presets A,B]"
                        + " [--out DIR]");
            }
        }
        if (checkpoint == null) {
            throw new IllegalArgumentException("--checkpoint: the warm-start base checkpoint is required");
        }
        String[] b = budget.split(":");
        if (b.length != 2 || !(b[0].equals("steps") || b[0].equals("minutes"))) {
            throw new IllegalArgumentException("--budget = '" + budget + "': use steps:N or minutes:M");
        }
        boolean bySteps = b[0].equals("steps");
        double amount = Double.parseDouble(b[1]);
        Map<String, Object> base = ConfigDocuments.read(configFile);
        int configuredSteps = RunSpec.parse(base).training().steps();
        for (ObjectivePreset preset : presets) {
            // A minutes budget keeps the config's training.steps as the run length, so a decaying learning-rate
            // schedule still spans it; the preset stops at whichever comes first.
            RunSpec config = configure(base, preset, checkpoint, bySteps ? (int) amount : configuredSteps);
            run(preset, config, budget, bySteps ? Double.POSITIVE_INFINITY : amount * 60,
                    out.resolve("learning-" + preset.name() + ".json"));
        }
    }

    /** The base document with the preset, the checkpoint and the steps set, as --set would set them. */
    static RunSpec configure(Map<String, Object> base, ObjectivePreset preset, String checkpoint, int steps) {
        Map<String, Object> doc = new java.util.LinkedHashMap<>(base);
        RunSpec parsed = RunSpec.parse(base);
        ConfigDocuments.set(doc, "name=" + parsed.name() + "-" + preset.name().toLowerCase(Locale.ROOT));
        doc.put("objective", Map.of("preset", preset.name()));
        ConfigDocuments.set(doc, "model.checkpoint=" + checkpoint);
        ConfigDocuments.set(doc, "training.steps=" + steps);
        ConfigDocuments.set(doc, "training.warmupSteps=" + Math.min(parsed.training().warmupSteps(), steps));
        return RunSpec.parse(doc);
    }

    private static void run(ObjectivePreset preset, RunSpec config, String budget, double seconds, Path file)
            throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("preset", preset.name());
        ObjectNode c = root.putObject("config");
        c.set("run", json.valueToTree(config.toDocument()));
        c.put("budget", budget);
        c.put("objective_resolved", String.valueOf(preset.config()));
        ArrayNode steps = root.putArray("steps");
        long start = System.nanoTime();
        try (RlRun run = RlRun.open(config)) {
            double eval0 = run.evaluate().accuracy();
            steps.addObject().put("step", 0).putNull("reward").putNull("entropy").put("eval_accuracy", eval0)
                    .put("seconds", 0.0);
            System.out.printf(Locale.ROOT, "%s step 0 eval_accuracy %.4f%n", preset, eval0);
            write(json, root, file);
            while (!run.finished() && (System.nanoTime() - start) / 1e9 < seconds) {
                StepReport s = run.step();
                ObjectNode row = steps.addObject().put("step", s.step()).put("reward", s.reward())
                        .put("entropy", s.entropy());
                if (s.evalAccuracy() != null) {
                    row.put("eval_accuracy", s.evalAccuracy());
                }
                row.put("accuracy", s.accuracy()).put("kl", s.kl()).put("clipfrac", s.clipfrac())
                        .put("tokens_per_s", s.tokensPerSecond()).put("seconds", (System.nanoTime() - start) / 1e9);
                System.out.printf(Locale.ROOT, "%s step %d reward %.4f entropy %.4f%s%n", preset, s.step(), s.reward(),
                        s.entropy(), s.evalAccuracy() == null ? "" : String.format(Locale.ROOT, " eval_accuracy %.4f",
                                s.evalAccuracy()));
                write(json, root, file);
            }
            if (!steps.get(steps.size() - 1).has("eval_accuracy")) {
                // The budget ended between evaluations: evaluate the final policy so every curve ends on one.
                ((ObjectNode) steps.get(steps.size() - 1)).put("eval_accuracy", run.evaluate().accuracy());
                write(json, root, file);
            }
        }
        System.out.println("wrote " + file.toAbsolutePath());
    }

    private static void write(JsonMapper json, ObjectNode root, Path file) throws Exception {
        AtomicFileWriter.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                .getBytes(StandardCharsets.UTF_8));
    }
}
