package dev.forkpoint.learner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmStartCommandTest {

    private static String[] run(int expectedExit, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new WarmStartCommand().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, o + e);
        return new String[] {o, e};
    }

    @Test
    void theCommandTrainsAndWritesACheckpointWithItsTaskConfig(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("base.fpckpt");
        run(0, "--out", out.toString(), "--task", "countdown", "--numbers", "3", "--maxTarget", "30", "--evalSize",
                "8", "--steps", "3", "--batch", "4", "--layers", "1", "--d-model", "32", "--heads", "2", "--context",
                "32", "--eval-every", "0");
        try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(out, Device.cpu())) {
            assertEquals(new ModelConfig(99, 1, 2, 32, 32, 4), ((DecoderTransformer) loaded.policy()).config());
            assertEquals("3", loaded.metadata().get("warmStart.steps"));
            assertTrue(loaded.metadata().get("task").contains("\"maxTarget\":30"), loaded.metadata().get("task"));
            assertEquals("8", loaded.metadata().get("warmStart.evalPrompts"));
        }
    }

    /** The same flags (and thread count) write the same bytes: a rebuilt base is checked by its hash. */
    @Test
    void theSameRecipeWritesTheSameBytes(@TempDir Path dir) throws Exception {
        String[] hashes = new String[2];
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("base-" + k + ".fpckpt");
            run(0, "--out", out.toString(), "--task", "countdown", "--numbers", "3", "--evalSize", "8", "--steps",
                    "4", "--batch", "4", "--layers", "1", "--d-model", "32", "--heads", "2", "--context", "32",
                    "--eval-every", "2", "--seed", "5");
            hashes[k] = CheckpointFiles.sha256(out);
        }
        assertEquals(hashes[0], hashes[1]);
    }

    @Test
    void badFlagsAreRejectedByNameWithExitTwo(@TempDir Path dir) throws Exception {
        String out = dir.resolve("x.fpckpt").toString();
        assertTrue(run(2, "--out", out, "--maxNumbr", "9")[1].contains("maxNumbr"));
        assertTrue(run(2, "--steps", "3")[1].contains("--out: required (path of the checkpoint to write)"));
        assertTrue(run(2, "--out", out, "--steps", "many")[1].contains("--steps = 'many': must be an integer"));
        assertTrue(run(2, "--out", out, "--steps")[1].contains("--steps: missing value"));
        assertTrue(run(2, "--out", out, "--threads", "0")[1].contains("--threads 0: must be at least 1"));
        assertTrue(run(2, "--out", out, "--threads", "two")[1].contains("--threads = 'two': must be an integer"));
        String help = run(0, "--help")[0];
        assertTrue(help.startsWith("usage: forkpoint warm-start --out FILE"), help);
        assertTrue(help.contains("--steps N              supervised steps (default 3000)"), help);
    }
}
