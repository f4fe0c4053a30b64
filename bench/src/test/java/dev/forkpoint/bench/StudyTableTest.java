package dev.forkpoint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StudyTableTest {

    @Test
    void aSummaryBecomesOneRowWithMeansStdsAndTheRunsThatNeverHalved() throws Exception {
        String json = """
                {"summaries": [{"name": "KL_COV-beta10", "seeds": 3,
                  "final_eval_accuracy": {"n": 3, "mean": 0.4583333, "std": 0.0137183},
                  "final_entropy": {"n": 3, "mean": 0.079, "std": 0.0045},
                  "entropy_half_life": {"n": 2, "mean": 15.25, "std": 2.5},
                  "not_halved": 1,
                  "law_predicted_accuracy": {"n": 1, "mean": 0.478, "std": null},
                  "law_reached_accuracy": {"n": 0, "mean": null, "std": null},
                  "law_ceiling": {"n": 3, "mean": 0.54, "std": 0.0117},
                  "law_rmse": {"n": 3, "mean": 0.0312, "std": 0.004}}]}""";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StudyTable.print(JsonMapper.builder().build().readTree(json), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertEquals("| KL_COV-beta10 | 3 | 0.458 ± 0.014 | 0.079 ± 0.005 | – | 15.3 ± 2.5 (1 never halved) | 0.478 | – "
                + "| 0.031 ± 0.004 | – | 0.540 ± 0.012 |", lines[2]);
    }
}
