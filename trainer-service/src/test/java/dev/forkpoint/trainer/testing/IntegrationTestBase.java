package dev.forkpoint.trainer.testing;

import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import dev.forkpoint.trainer.ForkpointApplication;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one base of trainer-service's integration tests: the real application on a random port, real HTTP,
 * against the project's shared real PostgreSQL ({@link PostgresTestDatabase}: Testcontainers when Docker
 * answers, else embedded; it logs which), with the test-only {@link FakeTrainingEngine}. Tests that must
 * stop and start the service get their own database on the same server ({@link #isolatedDatabase()}) and
 * start contexts with {@link #startService}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "forkpoint.scheduler.poll-interval=100ms",
        "forkpoint.engine=none",
        "forkpoint.security.token=" + IntegrationTestBase.TOKEN})
@Import(FakeEngineConfiguration.class)
public abstract class IntegrationTestBase {

    public static final String TOKEN = "test-token-0123456789";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    protected static final Path HOME = tempDirectory("forkpoint-it-home");

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected FakeTrainingEngine engine;
    protected ServiceClient client;

    @DynamicPropertySource
    static void sharedDatabase(DynamicPropertyRegistry registry) {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add("forkpoint.home", HOME::toString);
    }

    @BeforeEach
    void client() {
        client = new ServiceClient(port, TOKEN);
    }

    /** A new, empty database on the shared server, for tests that own the whole queue. */
    protected static String isolatedDatabase() throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        String name = "forkpoint_it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return db.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
    }

    /** Starts a separate service (random port) on the given database and home, with the fake engine. */
    protected static ConfigurableApplicationContext startService(String jdbcUrl, Path home, String... extra) {
        List<String> props = new ArrayList<>(List.of(
                "server.port=0",
                "forkpoint.home=" + home,
                "forkpoint.scheduler.poll-interval=100ms",
                "forkpoint.engine=none",
                "forkpoint.security.token=" + TOKEN));
        if (jdbcUrl != null) {
            PostgresTestDatabase db = PostgresTestDatabase.get();
            props.addAll(List.of("spring.datasource.url=" + jdbcUrl, "spring.datasource.username=" + db.username(),
                    "spring.datasource.password=" + db.password()));
        }
        props.addAll(List.of(extra));
        // as command-line arguments: they must win over application.yml (builder properties() are only defaults)
        return new SpringApplicationBuilder(ForkpointApplication.class, FakeEngineConfiguration.class)
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
    }

    /** The real application with the DJL engine (no fake engine) on {@code jdbcUrl}, random port, fresh home. */
    public static ConfigurableApplicationContext startDjlService(String jdbcUrl) {
        PostgresTestDatabase pg = PostgresTestDatabase.get();
        Path home = tempDirectory("forkpoint-djl-it");
        return new SpringApplicationBuilder(ForkpointApplication.class).run(
                "--server.port=0", "--forkpoint.home=" + home, "--forkpoint.scheduler.poll-interval=100ms",
                "--forkpoint.engine=djl", "--forkpoint.security.token=" + TOKEN,
                "--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=" + pg.username(),
                "--spring.datasource.password=" + pg.password());
    }

    protected static int portOf(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    protected static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
