package dev.forkpoint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class StudyPlotsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void dataCoordinatesLandOnTheirPixelsOnLinearAndLogAxes() {
        StudyPlots.Plot linear = new StudyPlots.Plot("t", "x", "y", false);
        linear.extend(0, 0);
        linear.extend(10, 1);
        linear.frame();
        linear.dot(5, 0.5, Color.RED);
        assertEquals(Color.RED.getRGB(), linear.image.getRGB(linear.px(5), linear.py(0.5)));
        assertEquals((linear.px(0) + linear.px(10)) / 2.0, linear.px(5), 1.0);
        assertTrue(linear.py(1) < linear.py(0), "larger values are higher up");

        StudyPlots.Plot log = new StudyPlots.Plot("t", "x", "y", true);
        log.extend(1e-4, 0);
        log.extend(1e-2, 1);
        log.frame();
        assertEquals((log.px(1e-4) + log.px(1e-2)) / 2.0, log.px(1e-3), 1.0, "a decade is a decade");
    }

    @Test
    void ticksAreRoundNumbersInsideTheAxis() {
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0, 140.0), StudyPlots.Plot.ticks(0, 150, false));
        assertEquals(List.of(0.06, 0.08, 0.1, 0.12), StudyPlots.Plot.ticks(0.0494, 0.138, false).stream()
                .map(v -> Math.round(v * 1000) / 1000.0).toList());
        assertEquals(List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0), StudyPlots.Plot.ticks(2e-5, 10, true));
        assertEquals(List.of(0.1, 0.2, 0.5, 1.0), StudyPlots.Plot.ticks(0.1, 1.0, true));
        assertEquals("0.05", StudyPlots.Plot.label(0.05000000000000001));
        assertEquals("30", StudyPlots.Plot.label(30.000000000000004));
        assertEquals("2e-04", StudyPlots.Plot.label(2e-4));
    }

    @Test
    void theThreePicturesAreDrawnFromTheResults(@TempDir Path dir) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode runs = root.putArray("runs");
        ArrayNode summaries = root.putArray("summaries");
        addRun(runs, "GRPO", "GRPO", 0.30);
        addRun(runs, "GRPO", "GRPO", 0.32);
        addRun(runs, "KL_COV-r2e-4", "KL_COV", 0.10);
        addRun(runs, "KL_COV-r2e-2", "KL_COV", 0.20);
        summaries.addObject().put("name", "GRPO").putArray("set");
        summaries.addObject().put("name", "KL_COV-r2e-4").putArray("set").add("objective.klCov.ratio=2.0e-4");
        summaries.addObject().put("name", "KL_COV-r2e-2").putArray("set").add("objective.klCov.ratio=2.0e-2");

        List<Path> files = StudyPlots.write(root, dir);
        assertEquals(3, files.size());
        BufferedImage curves = ImageIO.read(files.get(0).toFile());
        assertEquals(StudyPlots.WIDTH, curves.getWidth());
        assertEquals(StudyPlots.HEIGHT, curves.getHeight());
        assertTrue(count(curves, StudyPlots.PALETTE[0]) > 100, "GRPO's curve is drawn");
        assertEquals(0, count(curves, StudyPlots.PALETTE[1]), "only configurations without overrides get a curve");
        BufferedImage knob = ImageIO.read(files.get(1).toFile());
        assertTrue(count(knob, StudyPlots.PALETTE[0]) > 50, "the klCov.ratio series is drawn");
        BufferedImage law = ImageIO.read(files.get(2).toFile());
        assertTrue(count(law, StudyPlots.PALETTE[0]) > 20 && count(law, StudyPlots.PALETTE[1]) > 20,
                "a dot per run, coloured by preset");
        assertTrue(count(law, Color.BLACK) > 300, "the fitted law's curve and the frame");
    }

    @Test
    void aSweepsMiddlePointIsThePresetsOwnValue() {
        assertEquals(2.0e-3, StudyPlots.presetValue("KL_COV", "klCov.ratio"));
        assertEquals(1.0, StudyPlots.presetValue("KL_COV", "klCov.beta"));
        assertEquals(2.0e-4, StudyPlots.presetValue("CLIP_COV", "clipCov.ratio"));
        assertEquals(0.2, StudyPlots.presetValue("FORKING", "forking.rho"));
        assertEquals(0.2, StudyPlots.presetValue("GRPO", "clipLow"));
        assertEquals(null, StudyPlots.presetValue("GRPO", "klCov.ratio"), "GRPO has no KL-Cov part");
        assertEquals(null, StudyPlots.presetValue("HAPO", "advantage"), "not a number");
    }

    @Test
    void theLawReadsWithItsSigns() {
        assertEquals("R = -0.120 e^H + 0.610", StudyPlots.law(new dev.forkpoint.analytics.law.EntropyLawFit(0.12, 0.61,
                0.49, 0, null, 2, 0, 1, 2, 2)));
        assertEquals("R = 2.83 e^H - 2.61", StudyPlots.law(new dev.forkpoint.analytics.law.EntropyLawFit(-2.83, -2.61,
                0.22, 0, null, 2, 0, 1, 2, 2)));
    }

    /** Ten steps, entropy falling from {@code h0}; held-out accuracy at the last step rising as entropy is lower. */
    private static void addRun(ArrayNode runs, String name, String preset, double h0) {
        ObjectNode r = runs.addObject().put("name", name).put("preset", preset).put("seed", runs.size());
        ArrayNode steps = r.putArray("steps");
        for (int s = 1; s <= 10; s++) {
            ObjectNode row = steps.addObject().put("step", s).put("entropy", h0 * Math.pow(0.9, s));
            if (s == 10) {
                row.put("eval_accuracy", 0.6 - h0);
            } else {
                row.putNull("eval_accuracy");
            }
        }
    }

    private static int count(BufferedImage image, Color c) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                n += image.getRGB(x, y) == c.getRGB() ? 1 : 0;
            }
        }
        return n;
    }
}
