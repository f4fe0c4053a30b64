package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.task.TaskConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.warmStart.data}: TRL's prompt-completion JSONL, read, checked line by line and trained on. */
class PromptCompletionDataTest {

    private static Path write(Path dir, String... lines) throws IOException {
        Path f = dir.resolve("pairs.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void textAndConversationalPairsAreRead(@TempDir Path dir) throws IOException {
        Path f = write(dir,
                "{\"prompt\": \"1 2 3=6:\", \"completion\": \"1+2+3\", \"source\": \"ignored\"}",
                "",
                "{\"prompt\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": "
                        + "\"2 2=4:\"}], \"completion\": [{\"role\": \"assistant\", \"content\": \"2+2\"}]}");
        List<PromptCompletionData.Pair> pairs = PromptCompletionData.read(f);
        assertEquals(2, pairs.size());
        assertEquals(new PromptCompletionData.Pair(1, List.of(ChatMessage.user("1 2 3=6:")), "1+2+3"), pairs.get(0));
        assertEquals(3, pairs.get(1).line());
        assertEquals(List.of(new ChatMessage("system", "be brief"), ChatMessage.user("2 2=4:")), pairs.get(1).prompt());
        assertEquals("2+2", pairs.get(1).completion());

        // Encoded as a task prompt is, then the completion and eos; the loss is on the completion and eos only.
        SupervisedExample e = pairs.get(0).example(WarmStartTest.TOK);
        int[] prompt = WarmStartTest.TOK.encodePrompt(List.of(ChatMessage.user("1 2 3=6:")));
        int[] completion = WarmStartTest.TOK.encode("1+2+3");
        assertEquals(prompt.length, e.promptLength());
        assertEquals(completion.length + 1, e.targetCount());
        assertArrayEquals(completion, java.util.Arrays.copyOfRange(e.ids(), prompt.length, e.length() - 1));
        assertEquals(WarmStartTest.TOK.eosId(), e.ids()[e.length() - 1]);
    }

    @Test
    void theFirstBadLineIsNamed(@TempDir Path dir) throws IOException {
        String ok = "{\"prompt\": \"a\", \"completion\": \"b\"}";
        assertEquals(message(dir, ok, "{\"prompt\": \"a\"}"), "line 2: field \"completion\" missing");
        assertEquals(message(dir, "{\"completion\": \"b\"}"), "line 1: field \"prompt\" missing");
        assertEquals(message(dir, ok, ok, "{\"prompt\": 3, \"completion\": \"b\"}"),
                "line 3: field \"prompt\" must be a string or a list of messages, got number");
        assertEquals(message(dir, "{\"prompt\": \"a\", \"completion\": [{\"role\": \"user\", \"content\": \"b\"}]}"),
                "line 1: field \"completion\" as a list must hold exactly one {\"role\": \"assistant\", ...} message");
        assertEquals(message(dir, "{\"prompt\": [{\"role\": \"user\"}], \"completion\": \"b\"}"),
                "line 1: prompt[0] must be {\"role\": string, \"content\": string}");
        assertEquals(message(dir, "{\"prompt\": \"a\", \"completion\": \"\"}"), "line 1: field \"completion\" is empty");
        assertTrue(message(dir, "not json").startsWith("line 1: invalid JSON: "), message(dir, "not json"));
        assertEquals(message(dir, ""), "no records");
        TaskConfigException missing = assertThrows(TaskConfigException.class,
                () -> PromptCompletionData.read(dir.resolve("absent.jsonl")));
        assertTrue(missing.getMessage().endsWith("absent.jsonl\": file not found"), missing.getMessage());
        assertEquals(PromptCompletionData.KEY, missing.field());
    }

    /** The message after {@code model.warmStart.data = "FILE"}: with the file's line when there is one. */
    private static String message(Path dir, String... lines) throws IOException {
        Path f = write(dir, lines);
        String m = assertThrows(TaskConfigException.class, () -> PromptCompletionData.read(f)).getMessage();
        String prefix = PromptCompletionData.KEY + " = \"" + f + "\"";
        assertTrue(m.startsWith(prefix), m);
        return m.substring(prefix.length()).replaceFirst("^ ", "").replaceFirst("^: ", "");
    }

    /** A warm start on one pair memorises that pair (not the task's worked solutions). */
    @Test
    void theWarmStartTrainsOnThePairs(@TempDir Path dir) throws IOException {
        Path f = write(dir, "{\"prompt\": \"7 7=49:\", \"completion\": \"7*7\"}");
        WarmStartConfig c = WarmStartTest.overfit(120);
        WarmStartConfig onPairs = new WarmStartConfig(c.task(), c.model(), c.seed(), c.steps(), 4, c.learningRate(),
                c.warmupSteps(), c.weightDecay(), c.maxGradNorm(), 0, 4, 8, 0L, 0.0, f);
        List<WarmStartProgress> lines = new ArrayList<>();
        try (DecoderTransformer policy = DecoderTransformer.initialize(WarmStartTest.TINY, 7L, Device.cpu())) {
            WarmStart warmStart = new WarmStart(onPairs, WarmStartTest.TOK);
            WarmStartResult r = warmStart.train(policy, lines::add);
            assertEquals(120, r.steps());
            // 4 targets ("7*7" and eos) from near-uniform (ln 99 = 4.6 nats) to memorised.
            assertTrue(r.finalLoss() < 0.1, "final loss " + r.finalLoss());
            assertEquals(f.toString(), new tools.jackson.databind.json.JsonMapper().readTree(
                    warmStart.metadata(r).get("warmStart.recipe")).get("data").stringValue());
        }
    }
}
