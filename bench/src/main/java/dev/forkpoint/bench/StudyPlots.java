package dev.forkpoint.bench;

import dev.forkpoint.analytics.law.EntropyLawFit;
import dev.forkpoint.analytics.law.EntropyPerformanceLaw;
import dev.forkpoint.analytics.law.LawPoint;
import dev.forkpoint.learner.cli.CommandLine;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The entropy study's pictures, drawn with Java2D from {@code bench/results/entropy-study.json} (no plotting
 * library, no network):
 *
 * <ul>
 *   <li>{@code entropy-curves.png}: per configuration without overrides (the presets), the entropy of each step
 *       averaged over seeds;</li>
 *   <li>{@code final-entropy-vs-knob.png}: per swept knob (entries that set one key, plus the preset they vary),
 *       the final entropy's mean and its seed range against the knob's value on a log axis;</li>
 *   <li>{@code accuracy-vs-entropy.png}: every run's final (entropy, held-out accuracy), with the law
 *       {@code R = -a exp(H) + b} fitted over all of them.</li>
 * </ul>
 */
public final class StudyPlots {

    static final int WIDTH = 900;
    static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 230;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StudyPlots() {}

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("in", "out"), Set.of(), Set.of());
        JsonNode results = JSON.readTree(Path.of(line.get("in", "bench/results/entropy-study.json")).toFile());
        List<Path> written = write(results, Path.of(line.get("out", "docs/images")));
        written.forEach(p -> System.out.println("wrote " + p));
    }

    /** Draws the three pictures into {@code dir}; returns their paths. */
    static List<Path> write(JsonNode results, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        out.add(save(entropyCurves(results), dir.resolve("entropy-curves.png")));
        out.add(save(finalEntropyVsKnob(results), dir.resolve("final-entropy-vs-knob.png")));
        out.add(save(accuracyVsEntropy(results), dir.resolve("accuracy-vs-entropy.png")));
        return out;
    }

    private static Path save(BufferedImage image, Path file) throws IOException {
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** Mean entropy per step over the seeds of each configuration that sets nothing beyond its preset. */
    static BufferedImage entropyCurves(JsonNode results) {
        Map<String, TreeMap<Integer, double[]>> curves = new LinkedHashMap<>();
        for (JsonNode run : results.get("runs")) {
            if (!plain(results, run.get("name").asString())) {
                continue;
            }
            TreeMap<Integer, double[]> c = curves.computeIfAbsent(run.get("name").asString(), k -> new TreeMap<>());
            for (JsonNode s : run.get("steps")) {
                double[] acc = c.computeIfAbsent(s.get("step").asInt(), k -> new double[2]);
                acc[0] += s.get("entropy").asDouble();
                acc[1]++;
            }
        }
        Plot p = new Plot("Token entropy per step (mean over seeds)", "step", "entropy (nats)", false);
        curves.values().forEach(c -> c.forEach((step, a) -> p.extend(step, a[0] / a[1])));
        p.frame();
        int i = 0;
        for (Map.Entry<String, TreeMap<Integer, double[]>> e : curves.entrySet()) {
            List<double[]> xy = new ArrayList<>();
            e.getValue().forEach((step, a) -> xy.add(new double[] {step, a[0] / a[1]}));
            p.line(xy, PALETTE[i % PALETTE.length]);
            p.legend(i, e.getKey(), PALETTE[i % PALETTE.length]);
            i++;
        }
        return p.image;
    }

    /** Final entropy (mean and seed range) against each swept key's value, one series per key. */
    static BufferedImage finalEntropyVsKnob(JsonNode results) {
        Map<String, TreeMap<Double, List<Double>>> series = new LinkedHashMap<>();
        for (JsonNode run : results.get("runs")) {
            JsonNode set = summaryOf(results, run.get("name").asString()).path("set");
            if (set.size() != 1) {
                continue;
            }
            String[] kv = set.get(0).asString().split("=", 2);
            double value;
            try {
                value = Double.parseDouble(kv[1]);
            } catch (NumberFormatException notNumeric) {
                continue;
            }
            if (!(value > 0)) {
                continue;
            }
            String key = run.get("preset").asString() + " " + kv[0].replaceFirst("^objective\\.", "");
            JsonNode steps = run.get("steps");
            series.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(value, v -> new ArrayList<>())
                    .add(steps.get(steps.size() - 1).get("entropy").asDouble());
        }
        // Each sweep's middle point: the runs of the preset itself, at the preset's own value of the key.
        for (JsonNode run : results.get("runs")) {
            if (!plain(results, run.get("name").asString())) {
                continue;
            }
            String preset = run.get("preset").asString();
            for (Map.Entry<String, TreeMap<Double, List<Double>>> e : series.entrySet()) {
                if (!e.getKey().startsWith(preset + " ")) {
                    continue;
                }
                Double value = presetValue(preset, e.getKey().substring(preset.length() + 1));
                if (value != null && value > 0) {
                    JsonNode steps = run.get("steps");
                    e.getValue().computeIfAbsent(value, v -> new ArrayList<>())
                            .add(steps.get(steps.size() - 1).get("entropy").asDouble());
                }
            }
        }
        Plot p = new Plot("Final entropy against each swept knob (mean, seed range)", "knob value (log scale)",
                "final entropy (nats)", true);
        series.values().forEach(s -> s.forEach((v, hs) -> hs.forEach(h -> p.extend(v, h))));
        p.frame();
        int i = 0;
        for (Map.Entry<String, TreeMap<Double, List<Double>>> e : series.entrySet()) {
            Color c = PALETTE[i % PALETTE.length];
            List<double[]> means = new ArrayList<>();
            e.getValue().forEach((v, hs) -> {
                double mean = hs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                means.add(new double[] {v, mean});
                p.range(v, hs.stream().mapToDouble(Double::doubleValue).min().orElse(mean),
                        hs.stream().mapToDouble(Double::doubleValue).max().orElse(mean), c);
            });
            p.line(means, c);
            means.forEach(m -> p.dot(m[0], m[1], c));
            p.legend(i, e.getKey(), c);
            i++;
        }
        return p.image;
    }

    /** Every run's final entropy and last held-out accuracy, with the law fitted over all of them. */
    static BufferedImage accuracyVsEntropy(JsonNode results) {
        List<LawPoint> points = new ArrayList<>();
        Map<String, List<double[]>> byPreset = new LinkedHashMap<>();
        long id = 0;
        for (JsonNode run : results.get("runs")) {
            JsonNode steps = run.get("steps");
            double h = steps.get(steps.size() - 1).get("entropy").asDouble();
            Double acc = null;
            for (int s = steps.size() - 1; s >= 0 && acc == null; s--) {
                JsonNode v = steps.get(s).get("eval_accuracy");
                acc = v == null || v.isNull() ? null : v.asDouble();
            }
            if (acc == null) {
                continue;
            }
            points.add(new LawPoint(id++, h, acc));
            byPreset.computeIfAbsent(run.get("preset").asString(), k -> new ArrayList<>()).add(new double[] {h, acc});
        }
        Plot p = new Plot("Held-out accuracy against final entropy, every run", "final entropy (nats)",
                "held-out accuracy", false);
        points.forEach(q -> p.extend(q.entropy(), q.performance()));
        EntropyLawFit fit = null;
        if (points.size() >= 2) {
            try {
                fit = EntropyPerformanceLaw.fit(points, points.size());
            } catch (IllegalArgumentException constantEntropy) {
                fit = null;
            }
        }
        p.frame();
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : byPreset.entrySet()) {
            Color c = PALETTE[i % PALETTE.length];
            e.getValue().forEach(xy -> p.dot(xy[0], xy[1], c));
            p.legend(i, e.getKey(), c);
            i++;
        }
        if (fit != null) {
            List<double[]> curve = new ArrayList<>();
            for (int k = 0; k <= 100; k++) {
                double h = p.xMin + (p.xMax - p.xMin) * k / 100;
                curve.add(new double[] {h, fit.predict(h)});
            }
            p.line(curve, Color.BLACK);
            p.legend(i, law(fit), Color.BLACK);
        }
        return p.image;
    }

    /**
     * The preset's own value of an objective key such as {@code klCov.ratio}: record components, and the objective's
     * parts by name; null where the path does not resolve to a number.
     */
    static Double presetValue(String preset, String path) {
        Object o;
        try {
            o = dev.forkpoint.learner.config.ObjectivePreset.byName(preset).config();
        } catch (IllegalArgumentException unknown) {
            return null;
        }
        for (String segment : path.split("\\.")) {
            o = member(o, segment);
            if (o == null) {
                return null;
            }
        }
        return o instanceof Number n ? n.doubleValue() : null;
    }

    private static Object member(Object o, String name) {
        if (o instanceof Map<?, ?> m) {
            return m.get(name);
        }
        if (o instanceof Record r) {
            for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
                if (c.getName().equals(name)) {
                    try {
                        return c.getAccessor().invoke(r);
                    } catch (ReflectiveOperationException e) {
                        return null;
                    }
                }
            }
            if (r instanceof dev.forkpoint.learner.config.ObjectiveConfig oc) {
                return oc.parts().get(name);
            }
        }
        return null;
    }

    /** The fitted law as text with its signs resolved, e.g. {@code R = -0.12 e^H + 0.61}. */
    static String law(EntropyLawFit fit) {
        return String.format(Locale.ROOT, "R = %.3g e^H %s %.3g", -fit.a(), fit.b() < 0 ? "-" : "+",
                Math.abs(fit.b()));
    }

    private static JsonNode summaryOf(JsonNode results, String name) {
        for (JsonNode s : results.path("summaries")) {
            if (s.get("name").asString().equals(name)) {
                return s;
            }
        }
        return JSON.createObjectNode();
    }

    private static boolean plain(JsonNode results, String name) {
        return summaryOf(results, name).path("set").isEmpty();
    }

    /** One chart: data bounds, then a frame with ticks, then lines, dots and legend entries in data coordinates. */
    static final class Plot {
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        private final Graphics2D g = image.createGraphics();
        private final boolean logX;
        private final String title;
        private final String xLabel;
        private final String yLabel;
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;

        Plot(String title, String xLabel, String yLabel, boolean logX) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
            this.logX = logX;
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
        }

        void extend(double x, double y) {
            if (Double.isFinite(x) && Double.isFinite(y)) {
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
                yMin = Math.min(yMin, y);
                yMax = Math.max(yMax, y);
            }
        }

        void frame() {
            if (!(xMin <= xMax)) {
                xMin = logX ? 1 : 0;
                xMax = logX ? 10 : 1;
                yMin = 0;
                yMax = 1;
            }
            if (xMax == xMin) {
                xMax = logX ? xMin * 10 : xMin + 1;
            }
            double pad = (yMax - yMin) * 0.05;
            yMin -= pad == 0 ? 0.5 : pad;
            yMax += pad == 0 ? 0.5 : pad;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawRect(LEFT, TOP, plotWidth(), plotHeight());
            for (double y : ticks(yMin, yMax, false)) {
                int py = py(y);
                g.drawLine(LEFT - 5, py, LEFT, py);
                g.drawString(label(y), 10, py + 4);
            }
            for (double x : ticks(xMin, xMax, logX)) {
                int px = px(x);
                g.drawLine(px, TOP + plotHeight(), px, TOP + plotHeight() + 5);
                g.drawString(label(x), px - 15, TOP + plotHeight() + 20);
            }
            g.drawString(xLabel, LEFT + plotWidth() / 2 - 40, HEIGHT - 15);
            g.drawString(yLabel, 10, TOP - 10);
        }

        /**
         * Tick values a reader can name: multiples of 1, 2 or 5 times a power of ten (about five per axis), or on a
         * log axis the powers of ten inside it (with 2x and 5x when it spans less than two decades).
         */
        static List<Double> ticks(double min, double max, boolean log) {
            List<Double> out = new ArrayList<>();
            if (log) {
                boolean fine = Math.log10(max) - Math.log10(min) < 2;
                for (int e = (int) Math.floor(Math.log10(min)); e <= (int) Math.ceil(Math.log10(max)); e++) {
                    for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
                        double v = m * Math.pow(10, e);
                        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) {
                            out.add(v);
                        }
                    }
                }
                return out;
            }
            double raw = (max - min) / 5;
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / power < 1.5 ? power : raw / power < 3.5 ? 2 * power : raw / power < 7.5 ? 5 * power
                    : 10 * power;
            for (long k = (long) Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
                out.add(k * step);
            }
            return out;
        }

        /** A tick label without float noise: 0.05, 30, 2e-04. */
        static String label(double v) {
            if (v == 0) {
                return "0";
            }
            if (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) {
                return String.format(Locale.ROOT, "%.0e", v);
            }
            return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros()
                    .toPlainString();
        }

        void line(List<double[]> xy, Color c) {
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            for (int k = 1; k < xy.size(); k++) {
                double[] a = xy.get(k - 1);
                double[] b = xy.get(k);
                if (Double.isFinite(a[1]) && Double.isFinite(b[1])) {
                    g.draw(new Line2D.Double(px(a[0]), py(a[1]), px(b[0]), py(b[1])));
                }
            }
        }

        void dot(double x, double y, Color c) {
            g.setColor(c);
            g.fillOval(px(x) - 4, py(y) - 4, 9, 9);
        }

        void range(double x, double lo, double hi, Color c) {
            g.setColor(c);
            g.setStroke(new BasicStroke(1.5f));
            g.drawLine(px(x), py(lo), px(x), py(hi));
        }

        void legend(int row, String text, Color c) {
            int x = LEFT + plotWidth() + 15;
            int y = TOP + 15 + row * 20;
            g.setColor(c);
            g.fillRect(x, y - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(text, x + 20, y);
        }

        int px(double x) {
            double t = logX ? (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))
                    : (x - xMin) / (xMax - xMin);
            return (int) Math.round(LEFT + t * plotWidth());
        }

        int py(double y) {
            return (int) Math.round(TOP + plotHeight() - (y - yMin) / (yMax - yMin) * plotHeight());
        }

        private static int plotWidth() {
            return WIDTH - LEFT - RIGHT;
        }

        private static int plotHeight() {
            return HEIGHT - TOP - BOTTOM;
        }
    }
}
