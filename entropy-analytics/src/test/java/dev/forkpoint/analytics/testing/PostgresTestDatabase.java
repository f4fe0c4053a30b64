package dev.forkpoint.analytics.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The one real PostgreSQL that every integration test of the project runs against: a Testcontainers
 * container when a Docker engine answers, otherwise the embedded PostgreSQL binaries (io.zonky). Started
 * once per JVM, migrated with the project's Flyway migrations, and it logs which of the two it is, so a
 * test never silently runs against something else.
 */
public final class PostgresTestDatabase {

    private static final Logger log = LoggerFactory.getLogger(PostgresTestDatabase.class);
    private static volatile PostgresTestDatabase instance;

    private final String kind;
    private final String jdbcUrl;
    private final String username;
    private final String password;

    private PostgresTestDatabase(String kind, String jdbcUrl, String username, String password) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    /** The shared, migrated database; started on first use. */
    public static PostgresTestDatabase get() {
        PostgresTestDatabase db = instance;
        if (db == null) {
            synchronized (PostgresTestDatabase.class) {
                db = instance;
                if (db == null) {
                    db = start();
                    migrate(db);
                    instance = db;
                }
            }
        }
        return db;
    }

    private static PostgresTestDatabase start() {
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "pg-testcontainer-stop"));
            log.info("Integration tests run against PostgreSQL in a Testcontainers container: {}", container.getJdbcUrl());
            return new PostgresTestDatabase("testcontainers", container.getJdbcUrl(), container.getUsername(),
                    container.getPassword());
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    log.warn("embedded PostgreSQL did not stop cleanly", e);
                }
            }, "pg-embedded-stop"));
            String url = pg.getJdbcUrl("postgres", "postgres");
            log.info("No Docker engine: integration tests run against embedded PostgreSQL (real binaries): {}", url);
            return new PostgresTestDatabase("embedded", url, "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL for the integration tests", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            log.info("Docker engine not usable ({}); falling back to embedded PostgreSQL", e.toString());
            return false;
        }
    }

    private static void migrate(PostgresTestDatabase db) {
        Flyway.configure()
                .dataSource(db.jdbcUrl, db.username, db.password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** "testcontainers" or "embedded". */
    public String kind() {
        return kind;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password);
    }
}
