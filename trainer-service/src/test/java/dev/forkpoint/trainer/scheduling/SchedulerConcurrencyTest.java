package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.trainer.testing.FakeTrainingEngine;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code forkpoint.scheduler.concurrency=2}: two runs train at once, never three, and all finish. */
class SchedulerConcurrencyTest extends IntegrationTestBase {

    @Test
    void concurrencyBoundsTheRunsTrainedAtOnce() throws Exception {
        try (ConfigurableApplicationContext service = startService(isolatedDatabase(), tempDirectory("forkpoint-concurrency"),
                "forkpoint.scheduler.concurrency=2")) {
            ServiceClient api = new ServiceClient(portOf(service), TOKEN);
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(api.createRun(fakeRun("parallel-" + i, 5, 5, 100, null)));
            }
            int[] maxRunning = {0};
            ServiceClient.await(() -> {
                int running = api.json(api.get("/api/v1/runs?status=RUNNING")).get("total").asInt();
                assertTrue(running <= 2, running + " runs RUNNING with concurrency 2");
                maxRunning[0] = Math.max(maxRunning[0], running);
                return api.json(api.get("/api/v1/runs?status=SUCCEEDED")).get("total").asInt() == ids.size();
            }, Duration.ofSeconds(60), () -> "not all runs finished");
            assertEquals(2, maxRunning[0], "two runs were trained at once");
            FakeTrainingEngine engine = service.getBean(FakeTrainingEngine.class);
            assertTrue(engine.maxOpenSessions.get() <= 2, "never three sessions open at once");
            assertEquals(5, engine.opens.size());
        }
    }
}
