package dev.forkpoint.rollout.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.forkpoint.rollout.task.arithmetic.ArithmeticConfig;
import dev.forkpoint.rollout.task.arithmetic.ArithmeticTask;
import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import dev.forkpoint.rollout.task.countdown.CountdownTask;
import dev.forkpoint.rollout.task.jsonl.JsonlConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.json.JsonMapper;

class TasksConfigTest {

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsApplyWhenKeysAreAbsent() {
        assertEquals(CountdownConfig.defaults(), Tasks.parse(map("name", "countdown")));
        assertEquals(ArithmeticConfig.defaults(), Tasks.parse(map("name", "arithmetic")));
        assertEquals(new JsonlConfig("d.jsonl", 0, null), Tasks.parse(map("name", "jsonl", "path", "d.jsonl")));
        assertEquals(List.of("arithmetic", "countdown", "jsonl"), List.copyOf(Tasks.names()));
    }

    @Test
    void parsesFromJsonAndCreatesByName() {
        var node = JsonMapper.builder().build().readTree(
                "{\"name\":\"countdown\",\"numbers\":4,\"maxNumber\":25,\"seed\":9,\"evalSize\":10}");
        TaskConfig c = Tasks.parse(node);
        assertEquals(new CountdownConfig(4, 1, 25, 1, 100, 9, 10), c);
        Task t = Tasks.create(c);
        assertInstanceOf(CountdownTask.class, t);
        assertEquals("countdown", t.name());
        assertEquals(10, t.size(Split.EVAL));
        assertInstanceOf(ArithmeticTask.class, Tasks.create(map("name", "arithmetic", "operations", List.of("mul"))));
    }

    @TestFactory
    Stream<DynamicTest> invalidConfigsNameTheField() {
        Object[][] cases = {
                {map(), "task.name", "task.name: required; known: [arithmetic, countdown, jsonl]"},
                {map("name", "chess"), "task.name", "task.name = \"chess\": unknown task; known: [arithmetic, countdown, jsonl]"},
                {map("name", 3), "task.name", "task.name = 3: unknown task; known: [arithmetic, countdown, jsonl]"},
                {map("name", "countdown", "numbers", 5), "task.numbers", "task.numbers = 5: must be 3 or 4"},
                {map("name", "countdown", "numbers", 2), "task.numbers", "task.numbers = 2: must be 3 or 4"},
                {map("name", "countdown", "numbers", "3"), "task.numbers", "task.numbers = \"3\": must be an integer"},
                {map("name", "countdown", "numbers", 3.5), "task.numbers", "task.numbers = 3.5: must be an integer"},
                {map("name", "countdown", "maxNumbr", 20), "task.maxNumbr",
                        "task.maxNumbr: unknown key; known keys: [name, numbers, minNumber, maxNumber, minTarget, maxTarget, seed, evalSize]"},
                {map("name", "countdown", "max_number", 20), "task.max_number",
                        "task.max_number: config keys are camelCase; write task.maxNumber"},
                {map("name", "countdown", "minNumber", 0), "task.minNumber", "task.minNumber = 0: must be in [1, 999]"},
                {map("name", "countdown", "minNumber", 5, "maxNumber", 4), "task.maxNumber",
                        "task.maxNumber = 4: must be in [minNumber = 5, 999]"},
                {map("name", "countdown", "minTarget", 50, "maxTarget", 10), "task.maxTarget",
                        "task.maxTarget = 10: must be in [minTarget = 50, 1000000]"},
                {map("name", "countdown", "evalSize", 0), "task.evalSize", "task.evalSize = 0: must be in [1, 100000]"},
                {map("name", "countdown", "seed", "x"), "task.seed", "task.seed = \"x\": must be an integer"},
                {map("name", "arithmetic", "operations", List.of("div")), "task.operations",
                        "task.operations = [div]: each entry must be one of [add, sub, mul], got \"div\""},
                {map("name", "arithmetic", "operations", List.of()), "task.operations",
                        "task.operations = []: must be a non-empty list of [add, sub, mul]"},
                {map("name", "arithmetic", "operations", List.of("add", "add")), "task.operations",
                        "task.operations = [add, add]: duplicate entry \"add\""},
                {map("name", "arithmetic", "maxDigits", 10), "task.maxDigits", "task.maxDigits = 10: must be in [minDigits = 2, 9]"},
                {map("name", "arithmetic", "minDigits", 0), "task.minDigits", "task.minDigits = 0: must be in [1, 9]"},
                {map("name", "jsonl"), "task.path", "task.path: required"},
                {map("name", "jsonl", "path", " "), "task.path", "task.path = \" \": must not be empty"},
                {map("name", "jsonl", "path", "d.jsonl", "evalSize", 0), "task.evalSize", "task.evalSize = 0: must be at least 1"},
                {map("name", "jsonl", "path", "d.jsonl", "answerKey", "x"), "task.answerKey",
                        "task.answerKey: unknown key; known keys: [name, path, seed, evalSize]"},
        };
        return Stream.of(cases).map(c -> DynamicTest.dynamicTest((String) c[2], () -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) c[0];
            TaskConfigException e = assertThrows(TaskConfigException.class, () -> Tasks.parse(config));
            assertEquals(c[1], e.field());
            assertEquals(c[2], e.getMessage());
        }));
    }
}
