package dev.forkpoint.trainer.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The demo run of the README's main command: submitted once, on the first start of an empty database, through
 * the REST path's validation; a restart (runs exist) submits nothing; tests run without it by default.
 */
class DemoRunTest extends IntegrationTestBase {

    @Test
    void theDemoRunIsSubmittedOnceOnAnEmptyDatabaseAndNotAgainAfterARestart() throws Exception {
        String db = isolatedDatabase();
        Path home = tempDirectory("forkpoint-demo");
        long id;
        try (ConfigurableApplicationContext first = startService(db, home, "forkpoint.demo.enabled=true")) {
            ServiceClient api = new ServiceClient(portOf(first), TOKEN);
            JsonNode page = api.json(api.get("/api/v1/runs?page=0&size=20"));
            assertEquals(1, page.get("total").asLong(), page.toString());
            JsonNode run = page.get("items").get(0);
            assertEquals("countdown-demo", run.get("name").asString());
            id = run.get("id").asLong();
            JsonNode one = api.json(api.get("/api/v1/runs/" + id));
            assertEquals(800, one.get("config").get("model").get("warmStart").get("steps").asInt(), one.toString());
        }
        try (ConfigurableApplicationContext second = startService(db, home, "forkpoint.demo.enabled=true")) {
            JdbcClient sql = second.getBean(JdbcClient.class);
            assertEquals(List.of(id), sql.sql("SELECT id FROM runs").query(Long.class).list(),
                    "a restart with runs in the database submits no second demo");
        }
    }

    @Test
    void testsRunWithoutTheDemo() {
        assertEquals(0L, jdbc.sql("SELECT count(*) FROM runs WHERE name = 'countdown-demo'").query(Long.class).single());
    }

    @Test
    void thePackagedDemoConfigIsAValidRunConfig() {
        RunSpec config = DemoRun.demoConfig(); // parsing is validating: it throws naming the field otherwise
        assertEquals(800, config.model().warmStart().steps());
        assertEquals("DAPO", config.objective().preset());
    }
}
