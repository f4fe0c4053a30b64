package dev.forkpoint.rollout.warmstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.TaskConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmStartMainTest {

    @Test
    void theCommandTrainsAndWritesACheckpointWithItsTaskConfig(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("base.fpckpt");
        WarmStartMain.main(new String[] {"--out", out.toString(), "--task", "countdown", "--numbers", "3",
                "--maxTarget", "30", "--evalSize", "8", "--steps", "3", "--batch", "4", "--layers", "1",
                "--d-model", "32", "--heads", "2", "--context", "32", "--eval-every", "0"});
        try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(out, Device.cpu())) {
            assertEquals(new ModelConfig(99, 1, 2, 32, 32, 4), loaded.policy().config());
            assertEquals("3", loaded.metadata().get("warmStart.steps"));
            assertTrue(loaded.metadata().get("task").contains("\"maxTarget\":30"), loaded.metadata().get("task"));
            assertEquals("8", loaded.metadata().get("warmStart.evalPrompts"));
        }
    }

    @Test
    void badFlagsAreRejectedByName(@TempDir Path dir) {
        String out = dir.resolve("x.fpckpt").toString();
        TaskConfigException typo = assertThrows(TaskConfigException.class,
                () -> WarmStartMain.main(new String[] {"--out", out, "--maxNumbr", "9"}));
        assertTrue(typo.getMessage().contains("maxNumbr"), typo.getMessage());
        assertEquals("--out: required (path of the checkpoint to write)", assertThrows(IllegalArgumentException.class,
                () -> WarmStartMain.main(new String[] {"--steps", "3"})).getMessage());
        assertEquals("--steps = 'many': must be an integer", assertThrows(IllegalArgumentException.class,
                () -> WarmStartMain.main(new String[] {"--out", out, "--steps", "many"})).getMessage());
        assertEquals("--steps: missing value", assertThrows(IllegalArgumentException.class,
                () -> WarmStartMain.main(new String[] {"--out", out, "--steps"})).getMessage());
    }
}
