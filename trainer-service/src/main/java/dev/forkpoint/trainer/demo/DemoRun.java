package dev.forkpoint.trainer.demo;

import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.trainer.ForkpointProperties;
import dev.forkpoint.trainer.runs.RunRepository;
import dev.forkpoint.trainer.runs.RunService;
import dev.forkpoint.trainer.security.SecurityProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The README's main command: once the service is up and its database holds no run yet, it
 * submits the short demo run of {@code demo/countdown-demo.yaml} through {@link RunService}, the path of
 * {@code POST /api/v1/runs}, and logs how to watch it. A database with runs (a restart, or a user's own runs)
 * gets no second demo; the idempotency key guards against two instances starting together.
 * On with {@code forkpoint.demo.enabled=true} (the packaged application.yml); tests switch it off.
 */
@Component
@ConditionalOnProperty(prefix = "forkpoint.demo", name = "enabled", havingValue = "true")
public class DemoRun {

    static final String RESOURCE = "demo/countdown-demo.yaml";
    static final String IDEMPOTENCY_KEY = "forkpoint-demo";
    private static final Logger log = LoggerFactory.getLogger(DemoRun.class);

    private final RunService runs;
    private final ForkpointProperties home;
    private final SecurityProperties security;

    public DemoRun(RunService runs, ForkpointProperties home, SecurityProperties security) {
        this.runs = runs;
        this.home = home;
        this.security = security;
    }

    @EventListener
    public void submitOnFirstStart(ApplicationReadyEvent ready) {
        String port = ready.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        String base = "http://localhost:" + port;
        String tokenSource = security.token() != null && !security.token().isBlank()
                ? "the configured forkpoint.security.token" : home.home().resolve("api-token").toString();
        if (runs.count(null) > 0) {
            log.info("Forkpoint is up at {} (API token: {}); the database already has runs, so no demo run: "
                    + "curl -s '{}/api/v1/runs?page=0&size=20'", base, tokenSource, base);
            return;
        }
        RunRepository.Inserted demo = runs.create(demoConfig(), IDEMPOTENCY_KEY);
        String auth = security.protectReads() ? " -H \"Authorization: Bearer $(cat " + tokenSource + ")\"" : "";
        log.info("""
                
                ==> Forkpoint is up at {} (API token: {})
                ==> Demo run {} queued: countdown with 3 numbers, built-in model (4 layers, d 96), a supervised warm \
                start, then a short DAPO run; one log line per step. Watch it with:
                      curl -s{} {}/api/v1/runs/{}
                      curl -s{} '{}/api/v1/runs/{}/metrics?from=1&to=100'
                ==> Checkpoints: {}""", base, tokenSource, demo.id(), auth, base, demo.id(), auth, base, demo.id(),
                home.runDirectory(demo.id()).resolve("checkpoints"));
    }

    /** The demo's run config, from the packaged {@value #RESOURCE}. */
    static RunSpec demoConfig() {
        try (InputStream in = DemoRun.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return RunSpec.parse(ConfigDocuments.parseYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
