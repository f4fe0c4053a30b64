package dev.forkpoint.trainer.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web console in a real headless Chromium against the real service (DJL engine, real PostgreSQL): the runs
 * table, the launch form with a field error, a run page whose curves carry the run's real metrics, the token view
 * with its forking tokens, and cancel. With {@code -Dforkpoint.screenshots=DIR} it also writes the console's
 * screenshots there (README's are in docs/images).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest extends IntegrationTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private ConfigurableApplicationContext service;
    private ServiceClient api;
    private ChromeDriver browser;
    private String base;
    private long trained;

    @BeforeAll
    void start() throws Exception {
        browser = Browser.start();
        service = startDjlService(isolatedDatabase());
        base = "http://localhost:" + portOf(service);
        api = new ServiceClient(portOf(service), TOKEN);
        trained = api.createRun("""
                {"name": "console-fixture", "seed": 5, "device": "cpu", "objective": {"preset": "GRPO"},
                 "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 48},
                 "task": {"name": "countdown", "numbers": 3}, "sampling": {"maxNewTokens": 12},
                 "training": {"steps": 8, "promptsPerStep": 4, "groupSize": 4, "evalEvery": 2, "evalSize": 8,
                              "checkpointEvery": 4, "learningRate": 1e-3}}""");
        api.awaitStatus(trained, "SUCCEEDED", Duration.ofMinutes(3));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.close();
        }
    }

    private WebDriverWait await() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private Object js(String script, Object... args) {
        return browser.executeScript(script, args);
    }

    @Test
    void theRunsTableListsARunWithItsLatestMetrics() {
        browser.get(base + "/");
        WebElement row = await().until(d -> d.findElement(By.cssSelector("#runs tr[data-run-id='" + trained + "']")));
        assertTrue(row.getText().contains("console-fixture"), row.getText());
        assertEquals("SUCCEEDED", row.findElement(By.cssSelector("[data-col=status]")).getText());
        JsonNode latest = api.run(trained).get("latestMetrics");
        assertEquals(String.format("%.3f", latest.get("reward").asDouble()),
                row.findElement(By.cssSelector("[data-col=reward]")).getText());
        assertTrue(row.getText().contains("8/8"), row.getText());
    }

    @Test
    void theLaunchFormShowsAFieldErrorThenCreatesTheRun() {
        browser.get(base + "/");
        js("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement steps = await().until(d -> d.findElement(By.cssSelector("[data-field='training.steps']")));
        field("name").clear();
        field("name").sendKeys("launched-from-console");
        steps.clear();
        steps.sendKeys("-5");
        browser.findElement(By.cssSelector("#launch-form button[type=submit]")).click();
        // no token yet: the console asks once, then keeps it for the session
        await().until(d -> d.switchTo().alert()).sendKeys(TOKEN);
        browser.switchTo().alert().accept();
        WebElement error = await().until(d -> {
            WebElement e = d.findElement(By.cssSelector("[data-error-for='training.steps']"));
            return e.getText().isEmpty() ? null : e;
        });
        assertEquals("training.steps = -5: must be in [1, 1000000]", error.getText());
        assertTrue(steps.getAttribute("class").contains("invalid"));

        steps.clear();
        steps.sendKeys("1");
        for (String[] kv : new String[][] {{"model.layers", "1"}, {"model.dModel", "16"}, {"model.heads", "2"},
                {"model.contextLength", "48"}, {"training.promptsPerStep", "2"}, {"training.groupSize", "2"},
                {"sampling.maxNewTokens", "8"}, {"training.evalEvery", "0"}}) {
            field(kv[0]).clear();
            field(kv[0]).sendKeys(kv[1]);
        }
        browser.findElement(By.cssSelector("#launch-form button[type=submit]")).click();
        WebElement created = await().until(d -> d.findElement(By.id("created-run")));
        long id = Long.parseLong(created.getText().replace("run ", ""));
        JsonNode run = api.run(id);
        assertEquals("launched-from-console", run.get("name").asString());
        assertEquals(1, run.get("totalSteps").asInt());
        assertTrue(browser.findElements(By.cssSelector("[data-error-for='training.steps']")).get(0).getText().isEmpty());
    }

    private WebElement field(String path) {
        return browser.findElement(By.cssSelector("[data-field='" + path + "']"));
    }

    @Test
    void aRunPageDrawsTheRunsRealMetrics() throws Exception {
        browser.get(base + "/runs/" + trained);
        JsonNode metrics = api.json(api.get("/api/v1/runs/" + trained + "/metrics"));
        List<double[]> reward = plotted("reward", "reward");
        assertEquals(metrics.size(), reward.size());
        for (int i = 0; i < metrics.size(); i++) {
            assertEquals(metrics.get(i).get("step").asDouble(), reward.get(i)[0]);
            assertEquals(metrics.get(i).get("reward").asDouble(), reward.get(i)[1]);
        }
        List<double[]> held = plotted("reward", "held-out accuracy");
        List<double[]> evals = new ArrayList<>();
        for (JsonNode m : metrics) {
            if (!m.get("evalAccuracy").isNull()) {
                evals.add(new double[] {m.get("step").asDouble(), m.get("evalAccuracy").asDouble()});
            }
        }
        assertEquals(4, evals.size());
        for (int i = 0; i < evals.size(); i++) {
            assertEquals(evals.get(i)[0], held.get(i)[0]);
            assertEquals(evals.get(i)[1], held.get(i)[1]);
        }
        JsonNode entropy = api.json(api.get("/api/v1/runs/" + trained + "/entropy?phase=ROLLOUT"));
        List<double[]> mean = plotted("entropy", "mean H (nats)");
        assertEquals(entropy.size(), mean.size());
        for (int i = 0; i < entropy.size(); i++) {
            assertEquals(entropy.get(i).get("aggregates").get("mean").asDouble(), mean.get(i)[1]);
        }
        List<double[]> kl = plotted("kl", "KL");
        assertEquals(metrics.get(metrics.size() - 1).get("kl").asDouble(), kl.get(kl.size() - 1)[1]);
        // the law: one dot per held-out evaluation at (H, accuracy) and the fitted curve
        List<double[]> law = plotted("law", "held-out accuracy");
        assertEquals(evals.size(), law.size());
        await().until(d -> !d.findElements(By.cssSelector("[data-chart=law] [data-curve]")).isEmpty());
        assertFalse(browser.findElements(By.cssSelector("#forking-tokens tbody tr")).isEmpty());
        assertTrue(browser.findElement(By.id("config")).getText().contains("\"console-fixture\""));
        assertTrue(browser.findElement(By.cssSelector("#checkpoints tbody")).getText().contains("8"));
        screenshot("console-run.png");
    }

    /** The [x, y] points a chart's series carries, once it is drawn. */
    private List<double[]> plotted(String chart, String series) throws Exception {
        String sel = "[data-chart='" + chart + "'] [data-series='" + series + "']";
        WebElement path = await().until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(sel));
            return found.isEmpty() || "[]".equals(found.get(0).getAttribute("data-points")) ? null : found.get(0);
        });
        List<double[]> out = new ArrayList<>();
        for (JsonNode p : JSON.readTree(path.getAttribute("data-points"))) {
            out.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()});
        }
        return out;
    }

    @Test
    void theTokenViewShadesASampledResponseAndMarksItsForkingTokens() throws Exception {
        browser.get(base + "/runs/" + trained);
        WebElement box = await().until(d -> {
            WebElement b = d.findElement(By.id("samples"));
            return b.findElements(By.cssSelector(".sample")).isEmpty() ? null : b;
        });
        long step = Long.parseLong(box.getAttribute("data-step"));
        double threshold = Double.parseDouble(box.getAttribute("data-threshold"));
        JsonNode stats = api.json(api.get("/api/v1/runs/" + trained + "/entropy?phase=ROLLOUT&from=" + step + "&to="
                + step));
        assertEquals(stats.get(0).get("aggregates").get("forkingThreshold").asDouble(), threshold);
        JsonNode samples = api.json(api.get("/api/v1/runs/" + trained + "/samples?phase=ROLLOUT&from=" + step
                + "&to=" + step + "&limit=12")).get("items");
        List<WebElement> shown = box.findElements(By.cssSelector(".sample"));
        assertEquals(samples.size(), shown.size());
        int forking = 0;
        for (int s = 0; s < shown.size(); s++) {
            List<WebElement> tokens = shown.get(s).findElements(By.cssSelector(".tok"));
            JsonNode seq = samples.get(s).get("sequence");
            assertEquals(seq.get("tokens").size(), tokens.size());
            for (int t = 0; t < tokens.size(); t++) {
                double h = seq.get("entropies").get(t).asDouble();
                assertEquals(h, Double.parseDouble(tokens.get(t).getAttribute("data-entropy")));
                boolean marked = tokens.get(t).getAttribute("class").contains("fork");
                assertEquals(h >= threshold, marked, "token " + t + " of sample " + s);
                forking += marked ? 1 : 0;
            }
            assertEquals(seq.get("correct").asBoolean() ? "1" : "0",
                    shown.get(s).findElement(By.cssSelector("[data-reward]")).getAttribute("data-reward"));
        }
        assertTrue(forking > 0, "no forking token marked");
        screenshot("console-tokens.png");
        // paging: the previous step with samples is shown
        browser.findElement(By.id("step-prev")).click();
        await().until(d -> !String.valueOf(step).equals(d.findElement(By.id("samples")).getAttribute("data-step")));
        assertTrue(Long.parseLong(browser.findElement(By.id("samples")).getAttribute("data-step")) < step);
    }

    @Test
    void cancelStopsARunningRun() {
        long id = api.createRun("""
                {"name": "to-cancel", "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16,
                 "contextLength": 48}, "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 100000, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 0,
                              "checkpointEvery": 100000}}""");
        browser.get(base + "/");
        js("sessionStorage.setItem('forkpoint.token', arguments[0])", TOKEN);
        WebElement cancel = await().until(d -> {
            List<WebElement> b = d.findElements(By.cssSelector("tr[data-run-id='" + id + "'] [data-action=cancel]"));
            return b.isEmpty() ? null : b.get(0);
        });
        cancel.click();
        api.awaitStatus(id, "CANCELLED", Duration.ofMinutes(1));
        await().until(d -> d.findElement(By.cssSelector("tr[data-run-id='" + id + "'] [data-col=status]")).getText()
                .equals("CANCELLED"));
    }

    @Test
    void theComparePageOverlaysTwoRunsEntropy() throws Exception {
        long other = api.createRun("""
                {"name": "compare-other", "seed": 6, "device": "cpu", "objective": {"preset": "KL_COV"},
                 "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 48},
                 "task": {"name": "countdown", "numbers": 3}, "sampling": {"maxNewTokens": 12},
                 "training": {"steps": 3, "promptsPerStep": 4, "groupSize": 4, "evalEvery": 0}}""");
        api.awaitStatus(other, "SUCCEEDED", Duration.ofMinutes(3));
        browser.get(base + "/compare?runs=" + trained + "," + other);
        await().until(d -> d.findElements(By.cssSelector("[data-chart=entropy] path[data-series]")).size() == 2);
        List<WebElement> series = browser.findElements(By.cssSelector("[data-chart=entropy] path[data-series]"));
        JsonNode otherMetrics = api.json(api.get("/api/v1/runs/" + other + "/metrics"));
        JsonNode drawn = JSON.readTree(series.get(1).getAttribute("data-points"));
        assertEquals(otherMetrics.size(), drawn.size());
        assertEquals(otherMetrics.get(2).get("entropy").asDouble(), drawn.get(2).get(1).asDouble());
        assertTrue(series.get(1).getAttribute("data-series").contains("KL_COV"));
    }

    /**
     * A run of 2,000 steps is drawn from a handful of downsampled calls (at most 200 points a curve), not one request
     * per step; the time from navigation to the first chart is logged (measured, not asserted: docs say where).
     */
    @Test
    void aLongRunIsDrawnFromDownsampledCalls() throws Exception {
        int steps = 2000;
        long blocker = api.createRun("""
                {"name": "blocker", "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16,
                 "contextLength": 48}, "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 100000, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 0,
                              "checkpointEvery": 100000}}""");
        long id;
        try {
            // queued behind the blocker and cancelled there, so that it never trains: its steps are written below
            id = api.createRun("""
                    {"name": "long-run", "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16,
                     "contextLength": 48}, "sampling": {"maxNewTokens": 8}, "training": {"steps": %d}}"""
                    .formatted(steps));
            api.post("/api/v1/runs/" + id + "/cancel", "");
        } finally {
            api.post("/api/v1/runs/" + blocker + "/cancel", "");
        }
        api.awaitStatus(id, "CANCELLED", Duration.ofMinutes(1));
        api.awaitStatus(blocker, "CANCELLED", Duration.ofMinutes(1));
        LongRuns.record(service, id, steps);

        browser.get(base + "/runs/" + id);
        List<double[]> reward = plotted("reward", "reward");
        assertTrue(reward.size() <= 200 && reward.size() >= 150, "points: " + reward.size());
        assertEquals(steps, reward.get(reward.size() - 1)[0]);
        List<double[]> entropy = plotted("entropy", "mean H (nats)");
        assertTrue(entropy.size() <= 200, "points: " + entropy.size());
        assertEquals(steps, entropy.get(entropy.size() - 1)[0]);
        @SuppressWarnings("unchecked")
        List<String> calls = (List<String>) js("return performance.getEntriesByType('resource')"
                + ".map(e => e.name).filter(n => n.includes('/api/'))");
        assertTrue(calls.size() <= 12, "the page made " + calls.size() + " API calls: " + calls);
        String first = await().until(d -> d.findElement(By.tagName("body")).getAttribute("data-first-chart-ms"));
        System.out.println("console: run of " + steps + " steps, first chart " + first + " ms after navigation, "
                + calls.size() + " API calls");
    }

    private void screenshot(String name) throws Exception {
        String dir = System.getProperty("forkpoint.screenshots");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name), browser.getScreenshotAs(OutputType.BYTES));
        }
    }
}
