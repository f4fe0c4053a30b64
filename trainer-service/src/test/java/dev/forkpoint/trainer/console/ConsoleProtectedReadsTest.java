package dev.forkpoint.trainer.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** With forkpoint.security.protect-reads on, the console asks for the token once and then shows the runs. */
class ConsoleProtectedReadsTest extends IntegrationTestBase {

    @Test
    void theConsoleAsksForTheTokenOnceThenListsTheRuns() throws Exception {
        ChromeDriver browser = Browser.start();
        try (var service = startService(isolatedDatabase(), tempDirectory("forkpoint-console-protected"),
                "forkpoint.security.protect-reads=true")) {
            var api = new ServiceClient(portOf(service), TOKEN);
            long id = api.createRun(ServiceClient.fakeRun("protected-run", 1, 1, 0, null));
            browser.get("http://localhost:" + portOf(service) + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(d -> d.switchTo().alert()).sendKeys(TOKEN);
            browser.switchTo().alert().accept();
            WebElement row = wait.until(d -> d.findElement(By.cssSelector("#runs tr[data-run-id='" + id + "']")));
            assertTrue(row.getText().contains("protected-run"), row.getText());
            // the launch form's reads went through with the same token: its presets are listed, no second prompt
            wait.until(d -> !d.findElements(By.cssSelector("select[data-field='objective.preset'] option")).isEmpty());
            assertEquals(0, browser.findElements(By.cssSelector(".error")).stream()
                    .filter(e -> !e.getText().isBlank()).count());
        } finally {
            browser.quit();
        }
    }
}
