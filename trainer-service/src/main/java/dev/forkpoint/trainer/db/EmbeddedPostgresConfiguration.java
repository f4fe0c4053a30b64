package dev.forkpoint.trainer.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.forkpoint.trainer.ForkpointProperties;
import dev.forkpoint.trainer.scheduling.SchedulerProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The default database: with no {@code spring.datasource.url}, a real PostgreSQL (io.zonky embedded
 * binaries) whose data directory is {@code <forkpoint.home>/pgdata}, kept across restarts so runs and
 * metrics survive. Stopped when the context closes, after the scheduler and the pool that use it; a
 * server left running by a killed service is stopped first ({@link StalePostmaster}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDataSourceUrlConfigured.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(ForkpointProperties forkpoint) throws IOException {
        Path data = forkpoint.home().resolve("pgdata");
        Files.createDirectories(data.getParent());
        boolean existing = Files.exists(data.resolve("PG_VERSION"));
        StalePostmaster.stopIfRunning(data, Duration.ofSeconds(30));
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false) // persistent: reuse the same cluster on every start
                // the library's defaults are for throwaway test databases; this one holds the user's runs
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                // stopped by this context after the pool closes, not by a JVM hook racing the shutdown
                .setRegisterShutdownHook(false)
                .start();
        log.info("embedded PostgreSQL {} data directory {} on port {}", existing ? "reusing" : "initialised", data, pg.getPort());
        return pg;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres pg, SchedulerProperties scheduler) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setPoolName("forkpoint-embedded");
        // each training run holds one connection for its lease (RunLease), plus room for the API
        config.setMaximumPoolSize(scheduler.concurrency() + 8);
        return new HikariDataSource(config);
    }
}
