package dev.forkpoint.learner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code forkpoint train}: progress lines, checkpoints, resume, metrics file, overrides, budget and errors. */
class TrainCommandTest {

    static final String TINY = """
            {"seed": 4, "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
             "task": {"name": "countdown", "evalSize": 4}, "objective": {"preset": "GRPO"},
             "sampling": {"maxNewTokens": 8},
             "training": {"steps": 3, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 3, "evalSize": 4,
                          "checkpointEvery": 2}}""";

    record Output(int exit, List<String> out, List<String> err) {
        List<String> steps() {
            return out.stream().filter(l -> l.matches("step [1-9].*")).toList();
        }
    }

    static Output train(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new TrainCommand().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(exit, out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    static Path config(Path dir, String json) throws Exception {
        Path file = dir.resolve("run.json");
        Files.writeString(file, json);
        return file;
    }

    /** A progress line without its timing fields, which differ between runs. */
    static String withoutTiming(String line) {
        return line.replaceAll(" tokens/s .*? eta \\S+", "").replaceAll(" peak_rss \\S+", "");
    }

    @Test
    void printsOneLinePerStepWritesMetricsAndResumesToTheSameSteps(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, TINY);
        Path ckpt = dir.resolve("ckpt");
        Path metrics = dir.resolve("metrics.jsonl");
        Output full = train(cfg.toString(), "--checkpoint-dir", ckpt.toString(), "--metrics-out", metrics.toString());
        assertEquals(0, full.exit(), String.join("\n", full.err()));
        List<String> steps = full.steps();
        assertEquals(3, steps.size(), String.join("\n", full.out()));
        assertTrue(steps.get(0).matches("step 1/3 reward \\S+ accuracy \\S+ entropy \\S+ kl \\S+ clipfrac \\S+"
                + " tokens/s \\S+ eta \\d\\d:\\d\\d:\\d\\d( peak_rss \\d+\\.\\d\\dGiB)?"), steps.get(0));
        assertTrue(steps.get(2).contains("eval_accuracy"), steps.get(2));
        assertTrue(full.out().stream().anyMatch(l -> l.startsWith("step 0/3 eval_accuracy")));
        assertTrue(full.out().contains("entropy analytics: off (no --analytics-jdbc database; the service stores them)"));
        assertTrue(Files.exists(ckpt.resolve("step-000002.fpckpt")));
        assertTrue(Files.exists(ckpt.resolve("step-000003.fpckpt")));
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(3, lines.size());
        JsonMapper json = JsonMapper.builder().build();
        JsonNode first = json.readTree(lines.get(0));
        for (String key : List.of("step", "reward", "accuracy", "entropy", "kl", "clipfrac", "tokensPerSecond",
                "tokensSampled", "evalAccuracy", "rolloutMs", "updateMs", "metrics", "recordedAt")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        assertEquals(1, first.get("step").asInt());
        assertTrue(first.get("metrics").has("actor/pg_loss"), first.toString());

        // Step 3 again, from the step-2 checkpoint: equal to the uninterrupted one; the metrics file is rewound.
        Files.delete(ckpt.resolve("step-000003.fpckpt"));
        Output resumed = train(cfg.toString(), "--checkpoint-dir", ckpt.toString(), "--resume", "--metrics-out",
                metrics.toString());
        assertEquals(0, resumed.exit(), String.join("\n", resumed.err()));
        assertEquals(1, resumed.steps().size(), String.join("\n", resumed.out()));
        assertEquals(withoutTiming(steps.get(2)), withoutTiming(resumed.steps().get(0)));
        List<String> after = Files.readAllLines(metrics);
        assertEquals(3, after.size());
        assertEquals(lines.get(0), after.get(0), "the lines of the steps the checkpoint holds are kept");
        assertEquals(json.readTree(lines.get(2)).get("reward"), json.readTree(after.get(2)).get("reward"));
    }

    @Test
    void setOverridesTheFileAndABudgetStopsEarly(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, TINY);
        Output out = train(cfg.toString(), "--set", "training.steps=10", "--set", "objective.preset=DR_GRPO",
                "--budget", "steps:2", "--set", "training.evalEvery=0");
        assertEquals(0, out.exit(), String.join("\n", out.err()));
        assertEquals(List.of("step 1/10", "step 2/10"), out.steps().stream().map(l -> l.substring(0, l.indexOf(" r")))
                .toList());
        assertTrue(out.out().stream().anyMatch(l -> l.startsWith("budget reached at step 2 of 10")), out.out().toString());
        assertTrue(out.out().get(0).contains("objective DR_GRPO"), out.out().get(0));
    }

    @Test
    void aBadConfigExitsWithTwoAndNamesEveryField(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, TINY);
        Output out = train(cfg.toString(), "--set", "training.groupSize=1");
        assertEquals(2, out.exit());
        assertTrue(out.err().stream().anyMatch(l -> l.startsWith("error: training.groupSize = 1")), out.err().toString());
        Output two = train(cfg.toString(), "--set", "objective.clip_high=0.3", "--set", "sampling.topP=2");
        assertEquals(2, two.exit());
        assertEquals(2, two.err().size(), two.err().toString());
        assertTrue(two.err().stream().anyMatch(l -> l.contains("write objective.clipHigh")), two.err().toString());
        Output usage = train("--checkpoint-dirr", "x");
        assertEquals(2, usage.exit());
        assertTrue(usage.err().get(0).contains("unknown flag --checkpoint-dirr"), usage.err().toString());
        Output threads = train(cfg.toString(), "--threads", "0");
        assertEquals(2, threads.exit());
        assertTrue(threads.err().get(0).contains("--threads 0: must be at least 1"), threads.err().toString());
        Output help = train("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().get(0).startsWith("usage: forkpoint train CONFIG"), help.out().toString());
        Output print = train(cfg.toString(), "--print-config");
        assertEquals(0, print.exit());
        assertTrue(String.join("\n", print.out()).contains("\"keepCheckpoints\" : 3"), print.out().toString());
    }

    /** training.keepCheckpoints: the newest K plus the best by eval accuracy stay; the others are deleted. */
    @Test
    void keepsTheNewestCheckpointsAndTheBest(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, TINY.replace("\"GRPO\"", "\"DR_GRPO\"").replace("\"steps\": 3", "\"steps\": 5")
                .replace("\"evalEvery\": 3", "\"evalEvery\": 1").replace("\"checkpointEvery\": 2",
                        "\"checkpointEvery\": 1, \"keepCheckpoints\": 2"));
        Path ckpt = dir.resolve("ckpt");
        Output out = train(cfg.toString(), "--checkpoint-dir", ckpt.toString());
        assertEquals(0, out.exit(), String.join("\n", out.err()));
        int best = 0;
        double bestAccuracy = -1;
        for (String l : out.out()) {
            Matcher m = Pattern.compile("step (\\d+)/5 .*eval_accuracy (\\S+)(?: peak_rss \\S+)?").matcher(l);
            if (m.matches() && Double.parseDouble(m.group(2)) >= bestAccuracy) { // ties: the later
                best = Integer.parseInt(m.group(1));
                bestAccuracy = Double.parseDouble(m.group(2));
            }
        }
        Set<String> expected = new TreeSet<>(List.of("step-000004.fpckpt", "step-000005.fpckpt",
                String.format("step-%06d.fpckpt", best)));
        try (Stream<Path> files = Files.list(ckpt)) {
            assertEquals(expected, files.map(f -> f.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new)), String.join("\n", out.out()));
        }
        assertTrue(out.out().stream().anyMatch(l -> l.startsWith("removed checkpoint ")), String.join("\n", out.out()));
    }

    static List<String> lines(String... l) {
        return new ArrayList<>(List.of(l));
    }
}
