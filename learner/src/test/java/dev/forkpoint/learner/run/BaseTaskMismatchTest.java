package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import dev.forkpoint.rollout.task.TaskConfig;
import dev.forkpoint.rollout.task.Tasks;
import tools.jackson.databind.json.JsonMapper;

/** A base checkpoint warm-started on the same task with other options is flagged; matching or unrelated ones not. */
class BaseTaskMismatchTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TaskConfig task(String json) {
        return Tasks.parse(json);
    }

    @Test
    void sameTaskOtherOptionsWarnsNamingBoth() {
        // what WarmStart writes: every field of the task config, defaults included
        String base = "{\"name\":\"countdown\",\"numbers\":3,\"minNumber\":1,\"maxNumber\":10,\"minTarget\":1,"
                + "\"maxTarget\":100,\"seed\":0,\"evalSize\":256}";
        Optional<String> w = RlRun.baseTaskMismatch(base, task("{\"name\":\"countdown\",\"numbers\":3,\"maxNumber\":20}"));
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("maxNumber=10") && w.get().contains("maxNumber=20"), w.get());
        assertEquals(Optional.empty(), RlRun.baseTaskMismatch(base, task("{\"name\":\"countdown\",\"numbers\":3}")),
                "the defaults spelled out or left out are the same task");
    }

    @Test
    void noRecordedTaskOrAnotherTaskIsNotFlagged() {
        assertEquals(Optional.empty(), RlRun.baseTaskMismatch(null, task("{\"name\":\"countdown\"}")));
        assertEquals(Optional.empty(), RlRun.baseTaskMismatch("{\"name\":\"arithmetic\"}", task("{\"name\":\"countdown\"}")));
        assertTrue(RlRun.baseTaskMismatch("{\"name\":\"nope\"}", task("{\"name\":\"countdown\"}")).orElseThrow()
                .contains("not a valid task config"));
    }
}
