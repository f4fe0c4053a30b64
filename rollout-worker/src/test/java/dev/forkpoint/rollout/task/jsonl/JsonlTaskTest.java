package dev.forkpoint.rollout.task.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.TaskConfigException;
import dev.forkpoint.rollout.task.Tasks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class JsonlTaskTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static Task task(Path path, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put("name", "jsonl");
        config.put("path", path.toString());
        return Tasks.create(config);
    }

    private Path numbered(int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"prompt\": \"What is ").append(i).append(" + 1/2?\", \"answer\": \"").append(i)
                    .append(".5\"}\n");
        }
        return write("data.jsonl", sb.toString());
    }

    @TestFactory
    Stream<DynamicTest> malformedRecordsNameTheLineAndField() {
        String ok = "{\"prompt\": \"p\", \"answer\": \"1\"}\n";
        String[][] cases = {
                {"{\"prompt\": \"p\", \"answer\": ", "line 2: invalid JSON"},
                {"[1, 2]", "line 2: expected a JSON object"},
                {"{\"answer\": \"1\"}", "line 2: field \"prompt\" (or \"messages\") missing"},
                {"{\"prompt\": \"p\", \"messages\": [{\"role\": \"user\", \"content\": \"p\"}], \"answer\": 1}",
                        "line 2: give \"prompt\" or \"messages\", not both"},
                {"{\"messages\": [], \"answer\": 1}", "line 2: field \"messages\" must be a non-empty list"},
                {"{\"messages\": [{\"role\": \"user\"}], \"answer\": 1}",
                        "line 2: messages[0] must be {\"role\": string, \"content\": string}"},
                {"{\"prompt\": \"p\"}", "line 2: field \"answer\" missing"},
                {"{\"prompt\": \"p\", \"answer\": null}", "line 2: field \"answer\" missing"},
                {"{\"prompt\": 5, \"answer\": \"1\"}", "line 2: field \"prompt\" must be a string, got number"},
                {"{\"prompt\": \"p\", \"answer\": [1]}", "line 2: field \"answer\" must be a string or a number, got array"},
                {"{\"prompt\": \"p\", \"answer\": true}", "line 2: field \"answer\" must be a string or a number, got boolean"},
                {"{\"prompt\": \"  \", \"answer\": \"1\"}", "line 2: field \"prompt\" is empty"},
                {"{\"prompt\": \"p\", \"answer\": \"\"}", "line 2: field \"answer\" is empty"},
                {"{\"prompt\": \"p\", \"answer\": \"1\\n2\"}", "line 2: field \"answer\" must be one line"},
        };
        return Stream.of(cases).map(c -> DynamicTest.dynamicTest(c[1], () -> {
            Path p = write("bad.jsonl", ok + c[0] + "\n" + ok);
            TaskConfigException e = assertThrows(TaskConfigException.class, () -> task(p, Map.of()));
            assertEquals("task.path", e.field());
            assertTrue(e.getMessage().startsWith("task.path = \"" + p + "\" " + c[1]), e.getMessage());
        }));
    }

    @Test
    void conversationsBecomeTheProblemsMessagesAndGroupByTheWholeConversation() throws IOException {
        String sys = "{\"role\": \"system\", \"content\": \"Answer with a number.\"}";
        Path p = write("chat.jsonl", String.join("\n",
                "{\"messages\": [" + sys + ", {\"role\": \"user\", \"content\": \"1+1?\"}], \"answer\": 2}",
                "{\"messages\": [" + sys + ", {\"role\": \"user\", \"content\": \"1+1?\"}], \"answer\": 2}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"1+1?\"}], \"answer\": 2}",
                "{\"prompt\": \"2+2?\", \"answer\": 4}") + "\n");
        Task t = task(p, Map.of("evalSize", 1));
        List<Problem> all = new java.util.ArrayList<>(t.problems(Split.TRAIN, 0, (int) t.size(Split.TRAIN)));
        all.addAll(t.problems(Split.EVAL, 0, (int) t.size(Split.EVAL)));
        assertEquals(4, all.size());
        Problem first = all.stream().filter(q -> q.id().equals("line:1")).findFirst().orElseThrow();
        assertEquals(List.of(new ChatMessage("system", "Answer with a number."), ChatMessage.user("1+1?")),
                first.messages());
        assertEquals("1+1?", first.prompt(), "the last user turn stands for the conversation in logs");
        Problem text = all.stream().filter(q -> q.id().equals("line:4")).findFirst().orElseThrow();
        assertEquals(List.of(ChatMessage.user("2+2?")), text.messages());
        // Lines 1 and 2 are one conversation, so they land in the same split; line 3 differs (no system turn).
        boolean oneInEval = t.problems(Split.EVAL, 0, 1).get(0).id().equals("line:1")
                || t.problems(Split.EVAL, 0, 1).get(0).id().equals("line:2");
        assertEquals(oneInEval ? 2 : 1, t.size(Split.EVAL));
    }

    @Test
    void lineNumbersCountBlankLines() throws IOException {
        Path p = write("blank.jsonl", "{\"prompt\": \"a\", \"answer\": 1}\n\n\n{\"prompt\": \"b\"}\n");
        TaskConfigException e = assertThrows(TaskConfigException.class, () -> task(p, Map.of()));
        assertTrue(e.getMessage().endsWith("line 4: field \"answer\" missing"), e.getMessage());
    }

    @Test
    void missingFileEmptyFileAndTooLargeEvalSize() throws IOException {
        Path missing = dir.resolve("nope.jsonl");
        TaskConfigException e = assertThrows(TaskConfigException.class, () -> task(missing, Map.of()));
        assertEquals("task.path = \"" + missing + "\": file not found", e.getMessage());
        Path empty = write("empty.jsonl", "\n\n");
        assertTrue(assertThrows(TaskConfigException.class, () -> task(empty, Map.of())).getMessage()
                .endsWith(": no records"));
        Path two = numbered(2);
        TaskConfigException big = assertThrows(TaskConfigException.class, () -> task(two, Map.of("evalSize", 2)));
        assertEquals("task.evalSize = 2: must leave at least one training prompt; the file has 2 distinct prompts",
                big.getMessage());
        assertEquals("task.evalSize", big.field());
    }

    @Test
    void numericAnswersAndWorkedSolutionsVerify() throws IOException {
        Path p = write("mix.jsonl", String.join("\n",
                "{\"prompt\": \"half of 3/2\", \"answer\": 0.75, \"source\": \"ignored\"}",
                "{\"prompt\": \"boxed\", \"answer\": \"\\\\boxed{\\\\frac{1}{3}}\"}",
                "{\"prompt\": \"capital\", \"answer\": \"Paris\"}",
                "{\"prompt\": \"big\", \"answer\": 12345678901234567890}",
                "{\"prompt\": \"neg\", \"answer\": -4}") + "\n");
        Task t = task(p, Map.of("evalSize", 1));
        assertEquals(4, t.size(Split.TRAIN));
        assertEquals(1, t.size(Split.EVAL));
        List<Problem> all = new ArrayList<>(t.problems(Split.TRAIN, 0, 4));
        all.add(t.problem(Split.EVAL, 0));
        for (Problem pr : all) {
            assertTrue(t.verify(pr, t.workedSolution(pr)).correct(), pr + " " + t.workedSolution(pr));
        }
        Problem half = all.stream().filter(x -> x.prompt().equals("half of 3/2")).findFirst().orElseThrow();
        assertEquals("0.75", half.answer());
        assertEquals("line:1", half.id());
        assertTrue(t.verify(half, "so it is \\boxed{3/4}").correct());
        assertFalse(t.verify(half, "Answer: 0.7").correct());
        Problem big = all.stream().filter(x -> x.prompt().equals("big")).findFirst().orElseThrow();
        assertFalse(t.verify(big, "Answer: 12345678901234567891").correct());
    }

    @Test
    void splitsDisjointByPromptAndFixedBySeed() throws IOException {
        // 300 distinct prompts, each twice: duplicates must land in the same split.
        StringBuilder sb = new StringBuilder();
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 0; i < 300; i++) {
                sb.append("{\"prompt\": \"q").append(i).append("\", \"answer\": ").append(i).append("}\n");
            }
        }
        Path p = write("dup.jsonl", sb.toString());
        Task a = task(p, Map.of("seed", 1, "evalSize", 30));
        assertEquals(60, a.size(Split.EVAL));
        assertEquals(540, a.size(Split.TRAIN));
        Set<String> evalPrompts = new HashSet<>();
        for (int i = 0; i < a.size(Split.EVAL); i++) {
            evalPrompts.add(a.problem(Split.EVAL, i).prompt());
        }
        assertEquals(30, evalPrompts.size());
        Set<String> trainIds = new HashSet<>();
        for (int i = 0; i < a.size(Split.TRAIN); i++) {
            Problem pr = a.problem(Split.TRAIN, i);
            assertFalse(evalPrompts.contains(pr.prompt()), pr.prompt());
            trainIds.add(pr.id());
        }
        assertEquals(540, trainIds.size(), "one epoch visits every train record once");
        // Later epochs: the same records in another order.
        List<Problem> epoch1 = a.problems(Split.TRAIN, 540, 540);
        assertEquals(trainIds, new HashSet<>(epoch1.stream().map(Problem::id).toList()));
        assertFalse(epoch1.equals(a.problems(Split.TRAIN, 0, 540)));

        Task same = task(p, Map.of("seed", 1, "evalSize", 30));
        Task other = task(p, Map.of("seed", 2, "evalSize", 30));
        assertEquals(a.problems(Split.EVAL, 0, 60), same.problems(Split.EVAL, 0, 60));
        assertEquals(a.problems(Split.TRAIN, 1000, 100), same.problems(Split.TRAIN, 1000, 100));
        assertFalse(a.problems(Split.EVAL, 0, 60).equals(other.problems(Split.EVAL, 0, 60)));
    }

    @Test
    void defaultEvalSizeIsATenthOfDistinctPrompts() throws IOException {
        Task t = task(numbered(95), Map.of());
        assertEquals(9, t.size(Split.EVAL));
        assertEquals(86, t.size(Split.TRAIN));
    }
}
