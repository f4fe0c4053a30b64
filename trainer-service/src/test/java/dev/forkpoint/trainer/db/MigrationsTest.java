package dev.forkpoint.trainer.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGobject;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The Flyway migrations on a database that an earlier version migrated. */
class MigrationsTest extends IntegrationTestBase {

    private static Flyway flyway(String url, String target) {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        var config = Flyway.configure().dataSource(url, db.username(), db.password()).locations("classpath:db/migration");
        if (target != null) {
            config.target(target);
        }
        return config.load();
    }

    private static Connection connect(String url) throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        return DriverManager.getConnection(url, db.username(), db.password());
    }

    /** V1 and V10 had their header comments reworded; the beforeValidate callback accepts exactly that. */
    @Test
    void aDatabaseMigratedBeforeTheCommentRewordingStillValidates() throws Exception {
        String url = isolatedDatabase();
        flyway(url, null).migrate();
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT checksum FROM flyway_schema_history WHERE version = '1'")) {
                rs.next();
                assertEquals(-1312378090, rs.getInt(1), "the callback's new checksum is Flyway's own");
            }
            // As the earlier version left them: the checksums of the files before the rewording.
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 219041105 WHERE version = '1'");
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 1818060871 WHERE version = '10'");
        }
        flyway(url, null).migrate();
        flyway(url, null).validate();
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '1'");
        }
        assertThrows(FlywayException.class, () -> flyway(url, null).validate(), "any other difference still fails");
    }

    /** V2 rewrites the objective keys of stored configs to camelCase; values (loss names) stay as they were. */
    @Test
    void storedSnakeCaseObjectivesBecomeCamelCase() throws Exception {
        String url = isolatedDatabase();
        flyway(url, "1").migrate();
        String old = """
                {"name":"old","seed":1,"device":"auto","priority":0,
                 "model":{"layers":4,"heads":4,"dModel":128,"contextLength":128,"checkpoint":null,
                          "warmStart":{"steps":0,"learningRate":0.001,"batchSize":64}},
                 "task":{"name":"countdown","numbers":3},
                 "objective":{"preset":"CLIP_COV","clip_low":0.2,"clip_cov":{"ratio":0.001},
                              "hapo":{"adaptive_clip":false,"pivot":0.7},"steer":{"wmin":0.9,"wmax":1.1},
                              "overlong":{"max_response_length":40},"dynamic_sampling":{}},
                 "sampling":{"temperature":1.0,"adaptiveTemperature":false,"tau":0.05,"topP":1.0,"maxNewTokens":48},
                 "training":{"steps":5}}""";
        try (Connection c = connect(url); var insert = c.prepareStatement(
                "INSERT INTO runs (name, config, total_steps) VALUES ('old', ?, 5)")) {
            PGobject json = new PGobject();
            json.setType("jsonb");
            json.setValue(old);
            insert.setObject(1, json);
            insert.executeUpdate();
        }
        flyway(url, null).migrate();
        Map<String, Object> config;
        try (Connection c = connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT config::text, notes::text FROM runs WHERE name = 'old'")) {
            rs.next();
            config = JsonMapper.builder().build().readValue(rs.getString(1), new TypeReference<Map<String, Object>>() {
            });
            assertEquals("[]", rs.getString(2));
        }
        Map<?, ?> objective = (Map<?, ?>) config.get("objective");
        assertEquals(Map.of("ratio", 0.001), objective.get("clipCov"));
        assertEquals(Map.of("adaptiveClip", false, "pivot", 0.7), objective.get("hapo"));
        assertEquals(Map.of("wMin", 0.9, "wMax", 1.1), objective.get("steer"));
        assertEquals(Map.of("maxResponseLength", 40), objective.get("overlong"));
        assertTrue(objective.containsKey("dynamicSampling") && objective.containsKey("clipLow"), objective.toString());
        assertEquals(4, ((Map<?, ?>) config.get("model")).get("layers"), "other sections are untouched");
        // What the earlier version stored parses now, with the same meaning.
        RunSpec spec = RunSpec.parse(config);
        assertEquals(0.001, spec.objective().clipCov().ratio());
        assertEquals(40, spec.objective().overlong().maxResponseLength());
        assertEquals(0.9, spec.objective().steer().wMin());
        assertEquals(false, spec.objective().hapo().adaptiveClip());
    }
}
