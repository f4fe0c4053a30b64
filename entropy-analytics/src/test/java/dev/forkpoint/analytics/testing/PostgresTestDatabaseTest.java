package dev.forkpoint.analytics.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresTestDatabaseTest {

    @Test
    void startsARealMigratedPostgres() throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        try (Connection c = db.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "select version(), (select count(*) from flyway_schema_history)")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("PostgreSQL"), rs.getString(1));
        }
    }
}
