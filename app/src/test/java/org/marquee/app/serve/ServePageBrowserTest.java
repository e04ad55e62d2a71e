package org.marquee.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page of {@code marquee serve} in a real browser: headless Chromium (Debian's chromium and
 * chromium-driver) driven by Selenium. Skipped with a message where they are not installed, unless
 * MARQUEE_REQUIRE_BROWSER is set (CI sets it), where their absence fails. The screenshot goes to
 * target/serve.png, and also to the file the system property marquee.screenshot names.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServePageBrowserTest {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("MARQUEE_CHROMIUM", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("MARQUEE_CHROMEDRIVER", "/usr/bin/chromedriver"));

    @TempDir static Path dir;
    static Path checkpoint, poster, run;
    static PosterServer server;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!installed) {
            String message = "no browser: " + CHROMIUM + " or " + DRIVER + " is missing (apt-get install chromium chromium-driver)";
            if (System.getenv("MARQUEE_REQUIRE_BROWSER") != null) throw new AssertionError(message + ", and MARQUEE_REQUIRE_BROWSER is set");
            System.out.println("skipped: the page's browser tests: " + message);
            Assumptions.abort(message);
        }
        checkpoint = ServeFixtures.checkpoint(dir);
        poster = ServeFixtures.syntheticPoster(dir, "poster.png");
        run = Files.createDirectories(dir.resolve("run"));
        server = new PosterServer(PosterServer.Options.loopback(0), ServeFixtures.service(checkpoint), "tiny.ckpt", run);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,4300", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(server.address().toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-line"), "parameters"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void anUploadedPosterShowsPredictsProbabilities() {
        browser.findElement(By.id("file")).sendKeys(poster.toString());
        wait.until(d -> d.findElements(By.cssSelector("#bars .bar")).size() == 27);
        Map<String, String> shown = new HashMap<>();
        for (WebElement bar : browser.findElements(By.cssSelector("#bars .bar"))) {
            shown.put(bar.getAttribute("data-genre"), bar.findElement(By.className("bar-value")).getText());
        }
        List<String[]> expected = ServeFixtures.predictProbabilities(ServeFixtures.predictJson(checkpoint, poster));
        assertEquals(27, expected.size());
        for (String[] g : expected) assertEquals(g[2], shown.get(g[0]), g[0] + ": predict --json's " + g[1] + " to the 4 decimals a bar shows");
        assertTrue(browser.findElement(By.id("input")).getAttribute("src").startsWith("data:image/png"));
        assertTrue(browser.findElement(By.id("rule")).getText().contains("0.50"));
    }

    @Test
    @Order(2)
    void aClickedConvolutionValueShowsTheSumThatMadeIt() {
        WebElement maps = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#layer-conv2d_2 img")));
        wait.until(d -> ((Number) ((ChromeDriver) d).executeScript("return arguments[0].naturalWidth", maps)).intValue() > 0);
        // the centre of the second map in the first row: natural pixel gap + 1.5 tiles of 9 + gap
        int natural = ((Number) browser.executeScript("return arguments[0].naturalWidth", maps)).intValue();
        double scale = maps.getRect().getWidth() / (double) natural;
        int tile = 9 + Montage.GAP;
        int x = (int) ((Montage.GAP + tile + 4) * scale) - maps.getRect().getWidth() / 2;
        int y = (int) ((Montage.GAP + 4) * scale) - maps.getRect().getHeight() / 2;
        new Actions(browser).moveToElement(maps, x, y).click().perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("zoom-title"), "conv2d_2, map 1 of 64"));
        WebElement zoom = browser.findElement(By.id("zoom-img"));
        wait.until(d -> ((Number) ((ChromeDriver) d).executeScript("return arguments[0].naturalWidth", zoom)).intValue() == 9);
        new Actions(browser).moveToElement(zoom, 30, -40).click().perform();
        WebElement sum = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sum")));
        double value = Double.parseDouble(browser.findElement(By.id("value-shown")).getText());
        assertEquals(value, Double.parseDouble(sum.getText()), 2e-6 + 1e-5 * Math.abs(value),
                "the multiply-add's sum equals the value on the map");
        assertEquals(32, browser.findElements(By.cssSelector("#detail .channels > table > tr")).size() - 1,
                "one row per input channel of conv2d_2");
    }

    @Test
    @Order(3)
    void theSaliencyOfTheTopGenreIsShown() {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("saliency-text"), "top genre"));
        assertTrue(browser.findElement(By.id("saliency")).getAttribute("src").startsWith("data:image/png"));
    }

    @Test
    @Order(4)
    void theLivePageReceivesEachEpochOfAShortTraining() throws IOException {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "connected"));
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            code = Main.run("train", "--backend", "cpu", "--synthetic", "40", "--image-size", "24", "--batch-size", "8", "--epochs", "2",
                    "--serve", "0", "-o", run.toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#epochs tr.epoch-row")).size() == 2);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("filters")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress-text"), "epoch 2 of 2: step 3 of 3"));
        assertTrue(browser.findElement(By.id("filters-caption")).getText().contains("after epoch"));
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "serve.png"), StandardCopyOption.REPLACE_EXISTING);
        String also = System.getProperty("marquee.screenshot");
        if (also != null) Files.copy(shot, Path.of(also), StandardCopyOption.REPLACE_EXISTING);
    }
}
