package dev.caravan;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.caravan.embedded.EmbeddedS3;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.FixtureApi;
import dev.caravan.testing.FixtureApi.Answer;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser (the system's headless Chromium): records posted to the API show up in the
 * streams table, "Run now" runs a poller and shows what it produced, and a component that is DOWN (S3 here, pointed
 * at a server that only answers 503) is announced in the banner. A screenshot is kept as target/console.png.
 */
class ConsoleIT {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path data;

    @Test
    void thePageShowsRecordsArrivingRunsAPollerAndAnnouncesADownComponent() throws Exception {
        boolean available = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if (!available && System.getenv("CI") != null) {
            throw new AssertionError("CI must install chromium and chromium-driver (see .ci/run)");
        }
        Assumptions.assumeTrue(available, "chromium and chromium-driver are not installed");
        // an S3 server of the test's own, so the test can stop it while Caravan runs
        EmbeddedS3 s3 = new EmbeddedS3(data.resolve("external-s3"), "127.0.0.1", Ports.freePort("127.0.0.1"), "test",
                "test-secret-key");
        s3.start();
        try (FixtureApi randomuser = new FixtureApi()) {
            randomuser.on("/api/", r -> Answer.json(fixture("randomuser-page1.json")));
            try (RunningCaravan app = RunningCaravan.start(data, Map.of(
                    "caravan.randomuser.base-url", randomuser.baseUrl(),
                    "caravan.s3.endpoint", s3.endpoint(),
                    "caravan.s3.access-key", "test",
                    "caravan.s3.secret-key", "test-secret-key",
                    "caravan.health.timeout-ms", "1000"))) {
                ChromeDriverService service = new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
                ChromeOptions options = new ChromeOptions();
                options.setBinary(CHROMIUM.toFile());
                options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1600");
                WebDriver browser = new ChromeDriver(service, options);
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                    browser.get(app.http("/").toString());
                    assertThat(browser.getTitle()).isEqualTo("Caravan");

                    // all UP: no banner; S3 stops: the banner says which component is DOWN
                    wait.until(ExpectedConditions.attributeContains(By.cssSelector("#health li[data-check='s3']"), "class", "up"));
                    assertThat(browser.findElement(By.id("banner")).isDisplayed()).isFalse();
                    s3.close();
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("banner"), "DOWN"));
                    assertThat(browser.findElement(By.id("banner")).getText()).contains("s3");
                    assertThat(browser.findElement(By.cssSelector("#health li[data-check='s3']")).getAttribute("class"))
                            .contains("down");

                    // records arriving
                    String geo = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1.5,\"longitude\":2,\"country\":\"Chad\"}";
                    for (int i = 1; i <= 3; i++) {
                        assertThat(app.post("/api/v1/streams/geo", "application/json", geo.formatted(i)).statusCode())
                                .isEqualTo(202);
                    }
                    By geoRecords = By.cssSelector("#streams tr[data-topic='caravan.geo'] td:nth-child(3)");
                    wait.until(ExpectedConditions.textToBe(geoRecords, "3"));

                    // run now
                    browser.findElement(By.cssSelector("button.run-now[data-poller='randomuser']")).click();
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("poll-result"),
                            "randomuser: OK, produced 3"));
                    assertThat(randomuser.requests("/api/")).hasSize(1);
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(
                            By.cssSelector("#pollers tr[data-poller='randomuser']"), "OK"));

                    Files.write(Path.of("target", "console.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                } finally {
                    browser.quit();
                    service.stop();
                }
            }
        } finally {
            s3.close();
        }
    }
}
