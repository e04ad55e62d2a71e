package org.marquee.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a user runs it, after {@code mvn package} built app/target/marquee.jar:
 * {@code ./marquee --help}, a short training, a prediction and an error, each a separate JVM.
 */
class LauncherIT {
    @TempDir Path dir;

    record Result(int code, String out) {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("marquee"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("no ./marquee above " + Path.of("").toAbsolutePath());
        return p;
    }

    Result marquee(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root().resolve("marquee").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("MARQUEE_NO_BUILD", "1");   // the jar under test, never a rebuild
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "./marquee " + String.join(" ", args) + " did not end");
        return new Result(p.exitValue(), out);
    }

    @Test
    void helpTrainPredictAndAnErrorFromTheShell() throws Exception {
        Result help = marquee("--help");
        assertEquals(0, help.code(), help.out());
        assertTrue(help.out().contains("Usage: marquee") && help.out().contains("train"), help.out());

        Path run = dir.resolve("run");
        Result train = marquee("train", "--backend", "cpu", "--synthetic", "40", "--image-size", "24", "--epochs", "1",
                "-o", run.toString());
        assertEquals(0, train.code(), train.out());
        assertTrue(train.out().contains("backend: cpu"), "the launcher adds the Vector API module: " + train.out());
        assertTrue(Files.isRegularFile(run.resolve("best.ckpt")), train.out());

        Path poster = dir.resolve("poster.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(30, 45, java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(img, "png", poster.toFile());
        Result predict = marquee("predict", "--backend", "cpu", "-c", run.resolve("best.ckpt").toString(), poster.toString());
        assertEquals(0, predict.code(), predict.out());
        assertTrue(predict.out().contains(poster + ": "), predict.out());

        Result bad = marquee("train", "--image-size", "20");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("--image-size must be at least"), bad.out());
    }
}
