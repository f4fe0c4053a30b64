package dev.forkpoint.learner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** {@code forkpoint train --analytics-jdbc} stores both phases of every step, as the service does. */
class TrainAnalyticsTest {

    @Test
    void everyStepIsStoredForBothPhasesUnderTheGivenRunId(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("run.json");
        Files.writeString(config, """
                {"seed": 6, "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
                 "task": {"name": "countdown"}, "objective": {"preset": "GRPO"}, "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 3, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 0}}""");
        PostgresTestDatabase db = PostgresTestDatabase.get();
        long runId = 7_000_000L + ProcessHandle.current().pid();
        String sep = db.jdbcUrl().contains("?") ? "&" : "?";
        String url = db.jdbcUrl() + sep + "user=" + db.username() + "&password=" + db.password();
        TrainCommandTest.Output out = TrainCommandTest.train(config.toString(), "--analytics-jdbc", url,
                "--analytics-run-id", Long.toString(runId));
        assertEquals(0, out.exit(), String.join("\n", out.err()));
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT step), sum(CASE WHEN phase = 'UPDATE'"
                     + " AND cov_count > 0 THEN 1 ELSE 0 END) FROM entropy_step_stats WHERE run_id = " + runId)) {
            rs.next();
            assertEquals(6, rs.getInt(1), "rows");
            assertEquals(3, rs.getInt(2), "steps");
            assertEquals(3, rs.getInt(3), "UPDATE rows with covariance");
        }
    }
}
