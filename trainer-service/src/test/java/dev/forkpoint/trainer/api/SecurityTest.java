package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mutating requests need the bearer token; reads do not (protect-reads is off by default). */
class SecurityTest extends IntegrationTestBase {

    @Test
    void requestsWithoutOrWithAWrongTokenAreRefused() {
        long before = jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single();
        String body = fakeRun("sec", 1, 1, 0, null);
        for (String bearer : new String[]{null, "wrong-token", TOKEN + "x", ""}) {
            HttpResponse<String> r = client.post("/api/v1/runs", body, bearer);
            assertEquals(401, r.statusCode(), "token " + bearer + ": " + r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
            JsonNode problem = client.json(r);
            assertEquals(401, problem.get("status").asInt());
        }
        assertEquals(401, client.post("/api/v1/runs/1/cancel", null, null).statusCode());
        assertEquals(401, client.post("/api/v1/runs/1/resume", null, "nope").statusCode());
        assertEquals(before, jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single(), "a refused POST created a run");

        assertEquals(201, client.post("/api/v1/runs", body, TOKEN).statusCode());
    }

    @Test
    void protectReadsRequiresTheTokenForGetsButNotForHealth() throws Exception {
        try (var service = startService(isolatedDatabase(), tempDirectory("forkpoint-protect-reads"),
                "forkpoint.security.protect-reads=true")) {
            var api = new dev.forkpoint.trainer.testing.ServiceClient(portOf(service), TOKEN);
            assertEquals(401, api.get("/api/v1/runs").statusCode());
            assertEquals(401, api.get("/api/v1/presets").statusCode());
            var authorized = api.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + portOf(service) + "/api/v1/runs")).GET(), TOKEN);
            assertEquals(200, authorized.statusCode());
            assertEquals(200, api.get("/actuator/health").statusCode());
        }
    }

    @Test
    void readsAndHealthAreOpenByDefault() {
        assertEquals(200, client.get("/api/v1/runs").statusCode());
        assertEquals(200, client.get("/api/v1/presets").statusCode());
        assertEquals(200, client.get("/actuator/health").statusCode());
    }
}
