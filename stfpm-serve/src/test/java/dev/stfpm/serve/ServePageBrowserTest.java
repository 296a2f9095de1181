package dev.stfpm.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.nn.StfpmModel;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code GET /} in a real headless Chromium: an image chosen in {@code input#files}
 * comes back as a card with its overlay, the score the API gives and the decision. Uses the
 * system's Chromium and chromedriver (Debian's {@code chromium} and {@code chromium-driver}), never a
 * downloaded browser: Selenium Manager is not consulted because both paths are given. Skips, saying
 * so, where they are not installed. Leaves a screenshot in {@code target/serve-page.png}.
 */
class ServePageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void uploadShowsOverlayScoreAndDecision(@TempDir Path dir) throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) {
            System.out.println("ServePageBrowserTest skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing (apt-get install chromium chromium-driver)");
        }
        assumeTrue(installed, "Chromium and chromedriver are not installed");
        byte[] image = TestImages.png(3);
        Path file = dir.resolve("part-3.png");
        Files.write(file, image);
        try (StfpmModel model = TinyModel.untrained()) {
            float score = model.predict(TestImages.decode(image)).score();
            StfpmModel calibrated = model.withCalibration(new AnomalyCalibration(score * 1.1, score, 0, 2 * score, "test"));
            try (StfpmServer server = StfpmServer.start(calibrated, ServeOptions.defaults().withPort(0).withWorkers(2))) {
                JsonNode api = Http.json(Http.send(Http.post(server, "/v1/predict", image, "image/png")));
                ChromeDriver browser = chromium(dir.resolve("profile"));
                try {
                    browser.get(server.uri());
                    browser.findElement(By.id("files")).sendKeys(file.toString());
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                    WebElement card = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".result.done")));
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model"), "engine StfpmModel"));
                    assertThat(card.findElement(By.cssSelector(".name")).getText()).isEqualTo("part-3.png");
                    WebElement overlay = card.findElement(By.cssSelector("img.overlay"));
                    assertThat(overlay.getAttribute("src")).startsWith("data:image/png;base64,");
                    assertThat(((Number) browser.executeScript("return arguments[0].naturalWidth", overlay)).intValue())
                            .as("overlay decoded by the browser").isEqualTo(64);
                    assertThat(card.findElement(By.cssSelector(".score")).getText())
                            .isEqualTo(asThePageWrites(api.get("score").asDouble()));
                    assertThat(card.findElement(By.cssSelector(".decision")).getText()).isEqualTo("normal");
                    Files.createDirectories(Path.of("target"));
                    Files.write(Path.of("target", "serve-page.png"), browser.getScreenshotAs(OutputType.BYTES));
                } finally {
                    browser.quit();
                }
            }
        }
    }

    /** The page's {@code fmt}: {@code toFixed(4)}, or {@code toExponential(2)} below 0.01 and from 1000. */
    private static String asThePageWrites(double v) {
        return Math.abs(v) >= 1000 || v != 0 && Math.abs(v) < 0.01
                ? String.format(Locale.ROOT, "%.2e", v).replaceFirst("e([+-])0*(\\d)", "e$1$2")
                : String.format(Locale.ROOT, "%.4f", v);
    }

    private static ChromeDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,760", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
