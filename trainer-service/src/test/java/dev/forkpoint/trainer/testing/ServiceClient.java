package dev.forkpoint.trainer.testing;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Real HTTP against a started service (java.net.http). */
public final class ServiceClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String token;

    public ServiceClient(int port, String token) {
        this.base = "http://localhost:" + port;
        this.token = token;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), null);
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, token);
    }

    /** POST with the given bearer token (null: no Authorization header). */
    public HttpResponse<String> post(String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(b, bearer);
    }

    public HttpResponse<String> send(HttpRequest.Builder request, String bearer) {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Creates a run, asserting 201; returns its id. */
    public long createRun(String configJson) {
        HttpResponse<String> r = post("/api/v1/runs", configJson);
        if (r.statusCode() != 201) {
            throw new AssertionError("expected 201, got " + r.statusCode() + ": " + r.body());
        }
        return json(r).get("id").asLong();
    }

    public JsonNode run(long id) {
        return json(get("/api/v1/runs/" + id));
    }

    public String status(long id) {
        return run(id).get("status").asString();
    }

    /** Waits until the run has the status, failing with its last state after the timeout. */
    public JsonNode awaitStatus(long id, String status, Duration timeout) {
        await(() -> status.equals(status(id)), timeout, () -> "run " + id + " never became " + status + ": " + run(id));
        return run(id);
    }

    public void awaitStep(long id, int step, Duration timeout) {
        await(() -> run(id).get("step").asInt() >= step, timeout, () -> "run " + id + " never reached step " + step + ": " + run(id));
    }

    public static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** A fake-engine run config: {@code steps} steps of {@code stepMillis}, plus extra top-level JSON members. */
    public static String fakeRun(String name, int steps, int checkpointEvery, long stepMillis, String extraTask) {
        return """
                {"name":"%s","seed":7,"task":{"name":"fake","stepMillis":%d%s},"objective":{"preset":"DAPO"},
                 "training":{"steps":%d,"checkpointEvery":%d,"evalEvery":2,"keepCheckpoints":2}}"""
                .formatted(name, stepMillis, extraTask == null ? "" : "," + extraTask, steps, checkpointEvery);
    }
}
