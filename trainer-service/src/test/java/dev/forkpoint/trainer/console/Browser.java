package dev.forkpoint.trainer.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real headless Chromium driven through Debian's chromedriver (no download: {@code apt-get install chromium
 * chromium-driver}, which .ci/run does). Without them the browser tests are reported as skipped with that reason,
 * unless {@code FORKPOINT_BROWSER_TESTS=required} (set by .ci/run), which makes their absence a failure.
 */
final class Browser {

    private static final Logger log = LoggerFactory.getLogger(Browser.class);
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private Browser() {
    }

    static ChromeDriver start() {
        String browser = System.getenv().getOrDefault("FORKPOINT_CHROMIUM", first(BROWSERS));
        String driver = System.getenv().getOrDefault("FORKPOINT_CHROMEDRIVER", first(DRIVERS));
        if (browser == null || driver == null) {
            String why = "no Chromium or chromedriver on this machine (looked for " + BROWSERS + " and " + DRIVERS
                    + "): apt-get install chromium chromium-driver, as .ci/run does";
            if ("required".equals(System.getenv("FORKPOINT_BROWSER_TESTS"))) {
                Assertions.fail(why);
            }
            log.warn("browser tests skipped: {}", why);
            Assumptions.abort(why);
        }
        log.info("browser tests run in {} through {}", browser, driver);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1100", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return d;
    }

    private static String first(List<String> paths) {
        return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    }
}
