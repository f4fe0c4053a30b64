package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 50 runs POSTed at once: all accepted, each queued exactly once, each trained exactly once, one at a time. */
class ConcurrentSubmissionTest extends IntegrationTestBase {

    @Test
    void fiftyConcurrentSubmissionsAreAllAcceptedQueuedAndRunOnce() throws Exception {
        String batch = "burst-" + System.nanoTime();
        int n = 50;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<HttpResponse<String>>> responses = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String body = fakeRun(batch + "-" + i, 2, 2, 0, null);
                Callable<HttpResponse<String>> post = () -> {
                    go.await();
                    return client.post("/api/v1/runs", body);
                };
                responses.add(pool.submit(post));
            }
            go.countDown();
            Set<Long> ids = new HashSet<>();
            for (Future<HttpResponse<String>> f : responses) {
                HttpResponse<String> r = f.get();
                assertEquals(201, r.statusCode(), r.body());
                String status = client.json(r).get("status").asString();
                assertTrue(Set.of("QUEUED", "RUNNING", "SUCCEEDED").contains(status), status);
                ids.add(client.json(r).get("id").asLong());
            }
            assertEquals(n, ids.size(), "every submission got its own run");
        } finally {
            pool.shutdownNow();
        }

        List<Long> stored = jdbc.sql("SELECT id FROM runs WHERE name LIKE :p ORDER BY id").param("p", batch + "-%")
                .query(Long.class).list();
        assertEquals(n, stored.size(), "none lost, none duplicated");
        assertEquals(n, jdbc.sql("SELECT count(DISTINCT name) FROM runs WHERE name LIKE :p").param("p", batch + "-%")
                .query(Long.class).single());

        dev.forkpoint.trainer.testing.ServiceClient.await(() -> jdbc.sql(
                        "SELECT count(*) FROM runs WHERE name LIKE :p AND status = 'SUCCEEDED'").param("p", batch + "-%")
                .query(Long.class).single() == n, Duration.ofSeconds(60), () -> "not all " + n + " runs finished");
        for (long id : stored) {
            assertEquals(1, engine.opensOf(id).size(), "run " + id + " was opened more than once");
            assertEquals(1, jdbc.sql("SELECT attempts FROM runs WHERE id = :id").param("id", id).query(Integer.class).single());
            assertEquals(2L, jdbc.sql("SELECT count(*) FROM run_steps WHERE run_id = :id").param("id", id).query(Long.class).single());
        }
        assertEquals(1, engine.maxOpenSessions.get(), "concurrency 1: never two sessions at once");
    }

    /** POST /api/v1/runs with an Idempotency-Key header. */
    private HttpResponse<String> postWithKey(String key, String body) {
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/runs"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)), TOKEN);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameRun() {
        String key = "key-" + System.nanoTime();
        var first = postWithKey(key, fakeRun("idem", 1, 1, 0, null));
        var second = postWithKey(key, fakeRun("idem", 1, 1, 0, null));
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(client.json(first).get("id").asLong(), client.json(second).get("id").asLong());
    }

    @Test
    void aRepeatedIdempotencyKeyWithADifferentConfigIs422AndQueuesNothing() {
        String key = "key-" + System.nanoTime();
        var first = postWithKey(key, fakeRun("idem-a", 1, 1, 0, null));
        var changed = postWithKey(key, fakeRun("idem-a", 2, 1, 0, null));
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(422, changed.statusCode(), changed.body());
        var problem = client.json(changed);
        assertEquals("Idempotency-Key", problem.get("errors").get(0).get("field").asString());
        assertEquals(client.json(first).get("id").asLong(), problem.get("runId").asLong());
        assertEquals(1L, jdbc.sql("SELECT count(*) FROM runs WHERE name = 'idem-a'").query(Long.class).single(),
                "the changed request queued nothing");
    }
}
