package dev.forkpoint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.cli.TrainCommand;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tiny grid (two configurations, three runs of three steps of a 1-layer model): a study stopped between runs
 * and one with a run killed after its first step continue without repeating finished runs and give the
 * uninterrupted study's results, the summaries count the seeds, and a
 * recorded run's config given to {@code forkpoint train --budget steps:2} reproduces its first two recorded steps.
 */
class EntropyStudyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static EntropyStudy.Grid grid(Path dir) throws Exception {
        Path run = dir.resolve("run.yaml");
        Files.writeString(run, """
                name: tiny
                seed: 1
                device: cpu
                model: {layers: 1, heads: 2, dModel: 16, contextLength: 40}
                task: {name: countdown, numbers: 3, evalSize: 4}
                sampling: {maxNewTokens: 8}
                training: {promptsPerStep: 2, groupSize: 2, learningRate: 3.0e-3, warmupSteps: 0, evalEvery: 1,
                           evalSize: 4, checkpointEvery: 1}
                """);
        Path file = dir.resolve("grid.yaml");
        Files.writeString(file, """
                base:
                  path: %s
                  warmStart: [--steps, "3", --batch, "4", --layers, "1", --heads, "2", --d-model, "16",
                              --context, "40", --numbers, "3", --evalSize, "4", --eval-limit, "4",
                              --max-new-tokens, "8", --device, cpu]
                run: %s
                steps: 3
                seeds: [1, 2]
                work: %s
                entries:
                  - {name: GRPO, preset: GRPO}
                  - {name: KL_COV-r0.5, preset: KL_COV, set: ["objective.klCov.ratio=0.5"], seeds: [3]}
                """.formatted(dir.resolve("base.fpckpt"), run, dir.resolve("work")));
        return EntropyStudy.Grid.read(file);
    }

    @Test
    void anInterruptedStudyContinuesAndMatchesAnUninterruptedOne(@TempDir Path a, @TempDir Path b) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        EntropyStudy.Grid whole = grid(a);
        EntropyStudy.run(whole, a.resolve("study.json"), false, Integer.MAX_VALUE, quiet);

        EntropyStudy.Grid parts = grid(b);
        EntropyStudy.run(parts, b.resolve("study.json"), true, Integer.MAX_VALUE, quiet);
        assertTrue(Files.exists(b.resolve("base.fpckpt")), "--base-only builds the base");
        assertFalse(Files.exists(b.resolve("work")), "--base-only runs nothing");
        EntropyStudy.run(parts, b.resolve("study.json"), false, 1, quiet);
        JsonNode partial = JSON.readTree(b.resolve("study.json").toFile());
        assertEquals(1, partial.get("runs").size());
        long finishedAt = Files.getLastModifiedTime(b.resolve("work/GRPO-s1/metrics.jsonl")).toMillis();
        // A run killed after its first step: a checkpoint at step 1 and one metrics line, not done.
        EntropyStudy.Entry kl = parts.entries().get(1);
        Path killed = b.resolve("work").resolve(EntropyStudy.runName(kl, 3));
        Files.createDirectories(killed);
        Files.writeString(killed.resolve("config.json"), JSON.writeValueAsString(EntropyStudy.config(parts, kl, 3)));
        assertEquals(0, new TrainCommand().run(new String[] {killed.resolve("config.json").toString(), "--budget",
                "steps:1", "--checkpoint-dir", killed.resolve("checkpoints").toString(), "--metrics-out",
                killed.resolve("metrics.jsonl").toString()}, quiet, quiet));
        // The study resumes it from that checkpoint; its steps must still equal the uninterrupted study's (below).
        EntropyStudy.run(parts, b.resolve("study.json"), false, Integer.MAX_VALUE, quiet);
        assertEquals(finishedAt, Files.getLastModifiedTime(b.resolve("work/GRPO-s1/metrics.jsonl")).toMillis(),
                "a finished run is not repeated");

        JsonNode want = JSON.readTree(a.resolve("study.json").toFile());
        JsonNode got = JSON.readTree(b.resolve("study.json").toFile());
        assertEquals(3, got.get("runs").size());
        String baseHash = CheckpointFiles.sha256(b.resolve("base.fpckpt"));
        assertEquals(CheckpointFiles.sha256(a.resolve("base.fpckpt")), baseHash,
                "the base is rebuilt byte for byte");
        assertEquals(baseHash, got.get("setting").get("base_sha256").asString());
        for (int i = 0; i < 3; i++) {
            assertEquals(want.get("runs").get(i).get("steps"), got.get("runs").get(i).get("steps"), "run " + i);
            assertEquals(3, got.get("runs").get(i).get("steps").size());
        }
        assertEquals(List.of("GRPO", "GRPO", "KL_COV-r0.5"),
                got.get("runs").valueStream().map(r -> r.get("name").asString()).toList());
        assertEquals(0.5, got.get("runs").get(2).get("config").get("objective").get("klCov").get("ratio").asDouble());
        JsonNode summary = got.get("summaries").get(0);
        assertEquals("GRPO", summary.get("name").asString());
        assertEquals(2, summary.get("seeds").asInt());
        assertEquals(2, summary.get("final_entropy").get("n").asInt());
        double e1 = got.get("runs").get(0).get("steps").get(2).get("entropy").asDouble();
        double e2 = got.get("runs").get(1).get("steps").get(2).get("entropy").asDouble();
        assertEquals((e1 + e2) / 2, summary.get("final_entropy").get("mean").asDouble(), 1e-12);
        assertEquals(Math.abs(e1 - e2) / Math.sqrt(2), summary.get("final_entropy").get("std").asDouble(), 1e-12);

        // The recorded config, as forkpoint train takes it, reproduces the first two recorded steps exactly.
        Path config = b.resolve("recorded.json");
        Files.writeString(config, got.get("runs").get(1).get("config").toString());
        Path metrics = b.resolve("again.jsonl");
        int code = new TrainCommand().run(new String[] {config.toString(), "--budget", "steps:2", "--metrics-out",
                metrics.toString()}, quiet, quiet);
        assertEquals(0, code);
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(2, lines.size());
        for (int i = 0; i < 2; i++) {
            JsonNode again = JSON.readTree(lines.get(i));
            JsonNode recorded = got.get("runs").get(1).get("steps").get(i);
            assertEquals(recorded.get("reward").asDouble(), again.get("reward").asDouble(), "reward step " + (i + 1));
            assertEquals(recorded.get("entropy").asDouble(), again.get("entropy").asDouble(), "entropy step " + (i + 1));
            assertEquals(recorded.get("kl").asDouble(), again.get("kl").asDouble(), "kl step " + (i + 1));
            assertEquals(recorded.get("tokens_sampled").asLong(), again.get("tokensSampled").asLong());
            // every recorded metric, and only the timings left out of the record
            JsonNode all = recorded.get("metrics");
            assertTrue(all.size() > 15, all.toString());
            int compared = 0;
            for (var m : again.get("metrics").properties()) {
                if (m.getKey().startsWith("timing/")) {
                    assertTrue(!all.has(m.getKey()), m.getKey());
                    continue;
                }
                assertEquals(all.get(m.getKey()).asDouble(), m.getValue().asDouble(), m.getKey() + " step " + (i + 1));
                compared++;
            }
            assertEquals(all.size(), compared);
        }
    }

    /**
     * Thirty steps whose rollout accuracy follows R = -0.5 e^H + 1 exactly, entropy falling from 0.3 to 0.1: the law
     * fitted on the first ten predicts the later twenty steps with no error and the last ten's mean accuracy; the
     * half-life is the first step at or below 0.15; the final entropy and held-out accuracy are the last ones.
     */
    @Test
    void summaryOfARunThatFollowsTheLawExactly() {
        ArrayNode steps = JSON.createArrayNode();
        for (int i = 0; i < 30; i++) {
            double h = 0.3 - 0.2 * i / 29;
            ObjectNode s = steps.addObject();
            s.put("step", i + 1);
            s.put("entropy", h);
            s.put("accuracy", 1 - 0.5 * Math.exp(h));
            if ((i + 1) % 10 == 0) {
                s.put("evalAccuracy", 0.4 + i / 100.0);
            } else {
                s.putNull("evalAccuracy");
            }
        }
        List<JsonNode> run = new ArrayList<>();
        steps.forEach(run::add);
        JsonNode o = EntropyStudy.summary(new EntropyStudy.Entry("X", "GRPO", List.of(), List.of(1L)), List.of(run));
        assertEquals(0.69, o.at("/final_eval_accuracy/mean").asDouble(), 1e-12);
        assertEquals(0.1, o.at("/final_entropy/mean").asDouble(), 1e-12);
        double tailEntropy = 0;
        double tailAccuracy = 0;
        for (int i = 20; i < 30; i++) {
            tailEntropy += run.get(i).get("entropy").asDouble() / 10;
            tailAccuracy += run.get(i).get("accuracy").asDouble() / 10;
        }
        assertEquals(tailAccuracy, o.at("/law_reached_accuracy/mean").asDouble(), 1e-12);
        // Predicted at the tail's mean entropy, so it differs from the tail's mean accuracy by e^H's curvature only.
        assertEquals(1 - 0.5 * Math.exp(tailEntropy), o.at("/law_predicted_accuracy/mean").asDouble(), 1e-9);
        assertEquals(tailAccuracy, o.at("/law_predicted_accuracy/mean").asDouble(), 1e-3);
        assertEquals(tailEntropy, o.at("/end_entropy/mean").asDouble(), 1e-12);
        assertEquals(0.0, o.at("/law_rmse/mean").asDouble(), 1e-6);
        double laterMean = 0;
        for (int i = 10; i < 30; i++) {
            laterMean += run.get(i).get("accuracy").asDouble() / 20;
        }
        double ss = 0;
        for (int i = 10; i < 30; i++) {
            ss += Math.pow(run.get(i).get("accuracy").asDouble() - laterMean, 2);
        }
        assertEquals(Math.sqrt(ss / 20), o.at("/constant_rmse/mean").asDouble(), 1e-12);
        assertEquals(0.5, o.at("/law_ceiling/mean").asDouble(), 1e-6);
        int halfStep = 0;
        while (run.get(halfStep).get("entropy").asDouble() > 0.15) {
            halfStep++;
        }
        assertEquals(halfStep + 1, o.at("/entropy_half_life/mean").asDouble(), 1e-12);
        assertEquals(0, o.get("not_halved").asInt());
        // entropy falls by 0.2 / 29 a step; the later two thirds are steps 11-30, 19 changes
        assertEquals(0.2 / 29, o.at("/entropy_step_change/mean").asDouble(), 1e-12);
    }

    /** Every entry of the committed grid, per seed, is a run config the service and forkpoint train accept. */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> everyEntryOfTheCommittedGridIsAValidRunConfig() {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("bench/configs/entropy-study.yaml"))) {
            root = root.getParent();
        }
        Path repo = root;
        EntropyStudy.Grid grid = EntropyStudy.Grid.read(repo.resolve("bench/configs/entropy-study.yaml"));
        EntropyStudy.Grid fromRoot = new EntropyStudy.Grid(grid.base(), grid.warmStart(),
                repo.resolve(grid.run()), grid.steps(), grid.work(), grid.entries());
        assertEquals(26, grid.entries().size());
        return grid.entries().stream().map(e -> org.junit.jupiter.api.DynamicTest.dynamicTest(e.name(), () -> {
            for (long seed : e.seeds()) {
                java.util.Map<String, Object> doc = EntropyStudy.config(fromRoot, e, seed);
                assertEquals(seed, ((Number) doc.get("seed")).longValue());
                assertEquals(150, ((Number) ((java.util.Map<?, ?>) doc.get("training")).get("steps")).intValue());
            }
        }));
    }
}
