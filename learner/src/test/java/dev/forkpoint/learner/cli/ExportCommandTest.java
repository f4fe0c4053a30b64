package dev.forkpoint.learner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.hf.HfExport;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forkpoint export} as a user types it: exit codes, what it prints, and its flags. */
class ExportCommandTest {

    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new ExportCommand().run(args, new PrintStream(out), new PrintStream(err));
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void aModelDirectoryExportsInTheAskedDtype(@TempDir Path dir) throws Exception {
        Path src = HfModelFixtures.folders().get(0);
        Outcome r = run(src.toString(), dir.resolve("bf16").toString(), "--dtype", "bf16", "--max-shard-size", "30KB");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("exported "), r.out());
        assertTrue(r.out().contains("model.safetensors.index.json"), "sharded past 30KB: " + r.out());
        try (ModelWeights w = ModelWeights.open(dir.resolve("bf16"))) {
            assertEquals(DType.BF16, w.entry(w.names().get(0)).dtype());
        }
        assertTrue(Files.exists(dir.resolve("bf16/tokenizer.json")));
    }

    @Test
    void badCommandLinesExitWithTwoAndSayWhy(@TempDir Path dir) {
        Path src = HfModelFixtures.folders().get(0);
        Outcome dtype = run(src.toString(), dir.resolve("a").toString(), "--dtype", "f16");
        assertEquals(2, dtype.exit());
        assertTrue(dtype.err().contains("--dtype f16: must be f32 or bf16"), dtype.err());
        Outcome missing = run(src.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("expected SRC and OUT"), missing.err());
        Outcome nowhere = run(dir.resolve("nope.fpckpt").toString(), dir.resolve("b").toString());
        assertEquals(2, nowhere.exit());
        assertTrue(nowhere.err().contains("no such checkpoint file or model directory"), nowhere.err());
        assertEquals(0, run("--help").exit());
    }

    @Test
    void shardSizesReadLikeTransformers(@TempDir Path dir) {
        assertEquals(5_000_000_000L, HfExport.parseSize("5GB", "x"));
        assertEquals(500_000_000L, HfExport.parseSize("500mb", "x"));
        assertEquals(1234L, HfExport.parseSize("1234", "x"));
        assertThrows(IllegalArgumentException.class, () -> HfExport.parseSize("lots", "x"));
        Outcome bad = run(HfModelFixtures.folders().get(0).toString(), dir.resolve("o").toString(),
                "--max-shard-size", "lots");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--max-shard-size lots: expected a size"), bad.err());
    }
}
