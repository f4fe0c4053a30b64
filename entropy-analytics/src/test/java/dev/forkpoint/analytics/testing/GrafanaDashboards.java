package dev.forkpoint.analytics.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQL of the repo's Grafana dashboards ({@code grafana/dashboards/*.json}) ready to execute: every panel target's
 * {@code rawSql} and every query variable, with Grafana's macros and this dashboard set's variables
 * ({@code $run}, {@code $phase}, {@code $fit_points}) substituted. Shared by entropy-analytics' synthetic-data test
 * and trainer-service's real-run test (exported in the test-jar).
 */
public final class GrafanaDashboards {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GrafanaDashboards() {
    }

    /**
     * One executable query.
     *
     * @param name "file / panel title / phase" or "file variable name", for test names and failure messages
     * @param sql  the substituted SQL
     */
    public record Query(String name, String sql) {

        /** Whether the panel shows runs with rollout.backend = cluster only (its title names the cluster). */
        public boolean clusterOnly() {
            return isClusterPanel(name);
        }
    }

    /** Panels about the rollout cluster have no rows or series for a run on the local backend. */
    public static boolean isClusterPanel(String panelName) {
        return panelName.toLowerCase(java.util.Locale.ROOT).contains("cluster");
    }

    /** Every query of every dashboard; panels using {@code $phase} once per phase. Fails on a panel without SQL. */
    public static List<Query> queries(long runId, int fitPoints) throws IOException {
        List<Query> out = new ArrayList<>();
        List<Path> files = files();
        if (files.isEmpty()) {
            throw new IllegalStateException("no dashboards in " + dir());
        }
        for (Path file : files) {
            JsonNode root = JSON.readTree(file.toFile());
            String f = file.getFileName().toString();
            for (JsonNode v : root.path("templating").path("list")) {
                if ("query".equals(v.path("type").asString())) {
                    out.add(new Query(f + " variable " + v.path("name").asString(),
                            substitute(v.path("query").asString(), runId, "ROLLOUT", fitPoints)));
                }
            }
            int panels = 0;
            for (JsonNode panel : panels(root)) {
                for (JsonNode t : panel.path("targets")) {
                    if (t.path("datasource").path("type").asString().equals("prometheus")
                            || t.has("expr")) {
                        continue; // PromQL, not SQL: checked elsewhere
                    }
                    String sql = t.path("rawSql").asString();
                    String title = panel.path("title").asString();
                    if (sql.isBlank()) {
                        throw new IllegalStateException(f + " panel '" + title + "': no rawSql");
                    }
                    panels++;
                    for (String phase : sql.contains("$phase") ? List.of("ROLLOUT", "UPDATE") : List.of("ROLLOUT")) {
                        out.add(new Query(f + " / " + title + " / " + phase, substitute(sql, runId, phase,
                                fitPoints)));
                    }
                }
            }
            if (panels == 0) {
                throw new IllegalStateException(file + " has no panel queries");
            }
        }
        return out;
    }

    /**
     * The metric names ({@code forkpoint_...}) used by the PromQL targets of every dashboard, by "file / panel title".
     */
    public static java.util.Map<String, java.util.Set<String>> prometheusMetrics() throws IOException {
        java.util.Map<String, java.util.Set<String>> out = new java.util.TreeMap<>();
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("forkpoint_[a-z_]+");
        for (Path file : files()) {
            JsonNode root = JSON.readTree(file.toFile());
            for (JsonNode panel : panels(root)) {
                for (JsonNode t : panel.path("targets")) {
                    if (t.has("expr")) {
                        java.util.regex.Matcher m = name.matcher(t.path("expr").asString());
                        while (m.find()) {
                            out.computeIfAbsent(file.getFileName() + " / " + panel.path("title").asString(),
                                    k -> new java.util.TreeSet<>()).add(m.group());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Top-level panels and those nested in collapsed rows. */
    private static List<JsonNode> panels(JsonNode root) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : root.path("panels")) {
            out.add(p);
            for (JsonNode inner : p.path("panels")) {
                out.add(inner);
            }
        }
        return out;
    }

    /** Grafana's macros and this dashboard set's variables ($run, $phase, $fit_points). */
    public static String substitute(String sql, long runId, String phase, int fitPoints) {
        String s = sql.replaceAll("\\$__timeFilter\\(([^)]*)\\)",
                "($1 BETWEEN now() - interval '7 days' AND now() + interval '1 hour')");
        s = s.replace("$run", Long.toString(runId)).replace("$phase", phase)
                .replace("$fit_points", Integer.toString(fitPoints));
        if (s.contains("$")) {
            throw new IllegalArgumentException("unsubstituted macro or variable in: " + s);
        }
        return s;
    }

    /** Executes {@code q}; fails (with the SQL) when it does not parse or returns no row. */
    public static void assertReturnsRows(DataSource ds, Query q) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q.sql());
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new AssertionError(q.name() + ": no rows from: " + q.sql());
            }
        } catch (SQLException e) {
            throw new AssertionError(q.name() + ": " + e.getMessage() + " in: " + q.sql(), e);
        }
    }

    public static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** {@code grafana/dashboards} found by walking up from the working directory. */
    public static Path dir() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (; p != null; p = p.getParent()) {
            Path d = p.resolve("grafana/dashboards");
            if (Files.isDirectory(d)) {
                return d;
            }
        }
        throw new IllegalStateException("grafana/dashboards not found above " + System.getProperty("user.dir"));
    }
}
