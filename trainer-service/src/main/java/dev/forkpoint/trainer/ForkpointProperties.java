package dev.forkpoint.trainer;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Where the service keeps its state on disk.
 *
 * @param home {@code forkpoint.home}: embedded PostgreSQL data ({@code pgdata}), the generated API token
 *             ({@code api-token}) and run checkpoints ({@code runs/<id>/checkpoints}); default
 *             {@code ~/.forkpoint}
 */
@ConfigurationProperties("forkpoint")
public record ForkpointProperties(Path home) {

    public ForkpointProperties {
        home = home == null ? Path.of(System.getProperty("user.home"), ".forkpoint") : home;
    }

    public Path runDirectory(long runId) {
        return home.resolve("runs").resolve(Long.toString(runId));
    }
}
