package dev.forkpoint.learner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.trainer.runs.RunConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headless command prints one progress line per step and writes checkpoints it can resume from. */
class HeadlessRunTest {

    @Test
    void printsOneLinePerStepAndResumes(@TempDir Path dir) throws Exception {
        RunConfig config = RunConfigFiles.parseJson("""
                {"seed": 4, "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
                 "task": {"name": "countdown", "evalSize": 4}, "objective": {"preset": "GRPO"},
                 "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 3, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 3, "evalSize": 4,
                              "checkpointEvery": 2}}""");
        List<String> lines = capture(() -> assertEquals(0, HeadlessRun.train(config, dir, null)));
        List<String> steps = lines.stream().filter(l -> l.matches("step [1-9].*")).toList();
        assertEquals(3, steps.size(), String.join("\n", lines));
        assertTrue(steps.get(0).matches("step 1/3 reward \\S+ accuracy \\S+ entropy \\S+ kl \\S+ clipfrac \\S+"
                + " tokens/s \\S+ eta \\d\\d:\\d\\d:\\d\\d"), steps.get(0));
        assertTrue(steps.get(2).contains("eval_accuracy"), steps.get(2));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("step 0/3 eval_accuracy")));
        assertTrue(lines.contains("entropy analytics: off (no --analytics-jdbc database; the service stores them)"));
        assertTrue(Files.exists(dir.resolve("step-000002.fpckpt")));
        assertTrue(Files.exists(dir.resolve("step-000003.fpckpt")));

        List<String> resumed = capture(() -> assertEquals(0, HeadlessRun.train(config, null,
                dir.resolve("step-000002.fpckpt"))));
        List<String> resumedSteps = resumed.stream().filter(l -> l.matches("step [1-9].*")).toList();
        assertEquals(1, resumedSteps.size(), String.join("\n", resumed));
        String original = steps.get(2).replaceAll(" tokens/s .*? eta \\S+", "");
        String again = resumedSteps.get(0).replaceAll(" tokens/s .*? eta \\S+", "");
        assertEquals(original, again, "the resumed step 3 equals the uninterrupted one");
    }

    /** training.keepCheckpoints: the newest K plus the best by eval accuracy stay; the others are deleted. */
    @Test
    void keepsTheNewestCheckpointsAndTheBest(@TempDir Path dir) throws Exception {
        RunConfig config = RunConfigFiles.parseJson("""
                {"seed": 4, "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
                 "task": {"name": "countdown", "evalSize": 4}, "objective": {"preset": "DR_GRPO"},
                 "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 5, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 1, "evalSize": 4,
                              "checkpointEvery": 1, "keepCheckpoints": 2}}""");
        List<String> lines = capture(() -> assertEquals(0, HeadlessRun.train(config, dir, null)));
        int best = 0;
        double bestAccuracy = -1;
        for (String l : lines) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("step (\\d+)/5 .*eval_accuracy (\\S+)").matcher(l);
            if (m.matches() && Double.parseDouble(m.group(2)) >= bestAccuracy) { // ties: the later
                best = Integer.parseInt(m.group(1));
                bestAccuracy = Double.parseDouble(m.group(2));
            }
        }
        java.util.Set<String> expected = new java.util.TreeSet<>(List.of("step-000004.fpckpt", "step-000005.fpckpt",
                String.format("step-%06d.fpckpt", best)));
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(expected, files.map(f -> f.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)), String.join("\n", lines));
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("removed checkpoint ")), String.join("\n", lines));
    }

    interface Body {
        void run() throws Exception;
    }

    private static List<String> capture(Body body) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
