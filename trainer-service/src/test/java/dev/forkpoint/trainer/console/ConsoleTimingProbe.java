package dev.forkpoint.trainer.console;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Measures how fast console pages of a running service draw: for each page, five loads in headless Chromium, each
 * printing the time from navigation to the first chart and to the whole page. A measurement, not a test (wall-clock
 * bounds are not asserted in tests); run it against any service:
 *
 * <pre>
 * mvn -B -q -pl trainer-service test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp trainer-service/target/test-classes:trainer-service/target/classes:$(cat /tmp/cp.txt) \
 *     dev.forkpoint.trainer.console.ConsoleTimingProbe http://localhost:8080 /runs/2 /runs/1
 * </pre>
 */
public final class ConsoleTimingProbe {

    private ConsoleTimingProbe() {
    }

    public static void main(String[] args) {
        ChromeDriver browser = Browser.start();
        try {
            for (int p = 1; p < args.length; p++) {
                for (int rep = 0; rep < 5; rep++) {
                    browser.get("about:blank");
                    browser.get(args[0] + args[p]);
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                    String first = wait.until(d -> d.findElement(By.tagName("body")).getAttribute("data-first-chart-ms"));
                    String loaded = wait.until(d -> d.findElement(By.tagName("body")).getAttribute("data-loaded-ms"));
                    System.out.printf("%s load %d: first chart %s ms after navigation, whole page %s ms after its "
                            + "script started%n", args[p], rep + 1, first, loaded);
                }
            }
        } finally {
            browser.quit();
        }
    }
}
