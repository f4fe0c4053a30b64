package dev.forkpoint.bench;

import dev.forkpoint.learner.cli.CommandLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The entropy study's summaries as a markdown table, one row per configuration (docs/entropy-study.md): mean and
 * sample standard deviation over seeds of the final held-out accuracy, the final and the last 10 steps' entropy,
 * the entropy half-life, and the law's predicted against reached accuracy, its RMSE beside a constant's, and its
 * ceiling (EntropyStudy#summary defines each).
 *
 * <pre>StudyTable [--in bench/results/entropy-study.json]</pre>
 */
public final class StudyTable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StudyTable() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("in"), Set.of(), Set.of());
        print(JSON.readTree(Path.of(line.get("in", "bench/results/entropy-study.json")).toFile()), System.out);
    }

    static void print(JsonNode results, PrintStream out) {
        out.println("| configuration | seeds | held-out accuracy | final entropy (nats) | last 10 steps' entropy "
                + "| entropy half-life (steps) "
                + "| law: predicted rollout accuracy | reached (last 10 steps) | law RMSE, later steps "
                + "| a constant's RMSE | law ceiling |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode s : results.get("summaries")) {
            String half = stat(s.get("entropy_half_life"), 1);
            int notHalved = s.get("not_halved").asInt();
            if (notHalved > 0) {
                half += " (" + notHalved + " never halved)";
            }
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    s.get("name").asString(),
                    s.get("seeds").asInt(), stat(s.get("final_eval_accuracy"), 3), stat(s.get("final_entropy"), 3),
                    stat(s.path("end_entropy"), 3), half, stat(s.get("law_predicted_accuracy"), 3),
                    stat(s.get("law_reached_accuracy"), 3), stat(s.path("law_rmse"), 3),
                    stat(s.path("constant_rmse"), 3), stat(s.get("law_ceiling"), 3));
        }
    }

    /** {@code mean ± std}, {@code mean} for one value, a dash for none. */
    static String stat(JsonNode s, int digits) {
        if (s == null || s.get("mean") == null || s.get("mean").isNull()) {
            return "–";
        }
        String f = "%." + digits + "f";
        String mean = String.format(Locale.ROOT, f, s.get("mean").asDouble());
        JsonNode std = s.get("std");
        return std == null || std.isNull() ? mean : mean + " ± " + String.format(Locale.ROOT, f, std.asDouble());
    }
}
