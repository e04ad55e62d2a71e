package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.train.ModelState;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** One unreadable poster among many: every other poster still gets its result, and the exit code says one failed. */
class PredictCommandTest {
    @TempDir Path dir;
    PrintStream savedOut, savedErr;
    ByteArrayOutputStream out, err;
    Path checkpoint;
    List<String> args;

    @BeforeEach
    void setUp() throws IOException {
        savedOut = System.out;
        savedErr = System.err;
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        checkpoint = dir.resolve("m.ckpt");
        try (ReferenceBackend b = new ReferenceBackend(); Sequential model = PosterModel.build(b, 3, 24, 24, 3)) {
            CheckpointFile.write(ModelState.snapshot(model, null, List.of("Action", "Comedy", "Drama"), TrainingState.initial(3)),
                    checkpoint);
        }
        args = new ArrayList<>(List.of("predict", "--backend", "reference", "-c", checkpoint.toString()));
        for (int i = 0; i < 3; i++) {
            Path poster = dir.resolve("p" + i + ".png");
            BufferedImage img = new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB);
            img.setRGB(i, i, 0x00FF00);
            ImageIO.write(img, "png", poster.toFile());
            args.add(poster.toString());
        }
        Path broken = dir.resolve("broken.jpg");
        Files.writeString(broken, "not an image");
        args.add(broken.toString());
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void textReportsEveryGoodPosterAndNamesTheBadOne() {
        assertEquals(1, Main.run(args.toArray(String[]::new)));
        String text = out.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) assertTrue(text.contains("p" + i + ".png: "), text);
        String e = err.toString(StandardCharsets.UTF_8);
        Path broken = dir.resolve("broken.jpg");
        assertTrue(e.contains("error: " + broken + ": not a JPEG or PNG image"), e);
        assertEquals(1, e.split(java.util.regex.Pattern.quote(broken.toString()), -1).length - 1, "the file is named once: " + e);
        assertTrue(e.contains("1 of 4 posters could not be read"), e);
    }

    @Test
    void theBackendIsNamedOnlyWhenAskedFor() {
        args.remove(args.size() - 1);
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        String quiet = out.toString(StandardCharsets.UTF_8);
        assertTrue(!quiet.contains("backend") && quiet.contains("p0.png: "), quiet);
        out.reset();
        args.add(1, "--verbose");
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("backend: reference"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonGivesEveryDigitOfAProbability() {
        double p = 0.12345678901234567, tiny = 3.0e-7;
        String json = PredictCommand.toJson(List.of(new PredictCommand.Prediction(Path.of("a.png"), List.of("Drama", "Comedy"),
                List.of(p, tiny), List.of("Drama"), List.of(p))));
        assertTrue(json.contains("\"probability\": " + p + ", "), json);
        String key = "\"Comedy\", \"probability\": ";
        String small = json.substring(json.indexOf(key) + key.length(), json.indexOf(", \"decided\": false"));
        assertEquals(tiny, Double.parseDouble(small), json);
        assertTrue(small.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?"), "a JSON number: " + small);
    }

    @Test
    void jsonHoldsEveryResultAndTheError() {
        args.add(1, "--json");
        assertEquals(1, Main.run(args.toArray(String[]::new)));
        String json = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), json);
        assertEquals(3, json.split("\"genres\"").length - 1, json);
        assertTrue(json.contains("broken.jpg\", \"error\": \""), json);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("1 of 4 posters could not be read"));
    }

    @Test
    void withoutAStoredRuleThePlainRuleAtHalfDecides() {
        args.add(1, "--json");
        args.remove(args.size() - 1);   // the broken poster
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the plain rule; the checkpoint stores no decision rule"), err.toString());
    }

    @Test
    void theStoredRuleMarksItsGenresAndANumberGivesThePlainRule() throws IOException {
        var c = CheckpointFile.read(checkpoint);
        // thresholds no probability reaches: the rule decides the top genre alone
        CheckpointFile.write(new DecisionRule(new double[] {0.999, 0.999, 0.999}, 1, 3).storeIn(c), checkpoint);
        args.remove(args.size() - 1);
        args.add(1, "--json");
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        String json = out.toString(StandardCharsets.UTF_8);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("decided by the checkpoint's decision rule"), err.toString());
        assertEquals(3, json.split("\"decided\": true").length - 1, "one decided genre per poster, the top one:\n" + json);
        assertEquals(6, json.split("\"decided\": false").length - 1, json);
        for (String line : json.lines().filter(l -> l.contains("\"file\"")).toList()) {
            String first = line.substring(line.indexOf("{\"genre\": ") + 10, line.indexOf(", \"probability\""));
            assertTrue(line.endsWith("\"decided\": [" + first + "]},") || line.endsWith("\"decided\": [" + first + "]}"), line);
        }

        out.reset();
        args.add(1, "--threshold");
        args.add(2, "0.01");
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        json = out.toString(StandardCharsets.UTF_8);
        assertEquals(9, json.split("\"decided\": true").length - 1, "every genre is above 0.01:\n" + json);

        out.reset();
        args.remove(1); args.remove(1); args.remove(1);   // --threshold 0.01 --json: text
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String line : text.lines().filter(l -> l.contains(".png: ")).toList()) {
            assertEquals(1, line.split(" \\*").length - 1, "the top genre alone is marked: " + line);
            assertTrue(line.matches(".*\\.png: \\S+ [0-9.]+% \\*, .*"), line);
        }
    }

    @Test
    void aNormalizedCheckpointSeesNormalizedPosters() throws IOException {
        args.remove(args.size() - 1);
        args.add(1, "--json");
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        String plain = out.toString(StandardCharsets.UTF_8);
        var c = CheckpointFile.read(checkpoint);
        var n = new org.marquee.app.train.InputNormalization(new double[] {0.5, 0.5, 0.5}, new double[] {0.1, 0.1, 0.1});
        CheckpointFile.write(c.with(c.run(), n.toArrays()), checkpoint);
        out.reset();
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        String normalized = out.toString(StandardCharsets.UTF_8);
        assertTrue(!plain.equals(normalized), "other inputs, other probabilities:\n" + plain + normalized);
    }

    @Test
    void aPosterThatIsAFifoOrALinkToADeviceFailsAloneWithoutWaiting() throws Exception {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero));
        Path link = Files.createSymbolicLink(dir.resolve("zero.jpg"), zero);
        Path pipe = dir.resolve("pipe.jpg");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() == 0);
        args.set(args.size() - 1, link.toString());
        args.add(6, pipe.toString());
        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> Main.run(args.toArray(String[]::new)));
        assertEquals(1, code);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("error: " + pipe + ": ") && e.contains("is a FIFO (named pipe), not a regular file"), e);
        assertTrue(e.contains("error: " + link + ": ") && e.contains("a link to a character device (/dev/zero)"), e);
        String text = out.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) assertTrue(text.contains("p" + i + ".png: "), text);
    }

    /**
     * In a JVM of 128 MB, a 3,000 x 3,000 PNG of 16-bit RGBA samples (under the pixel limit, small on disk)
     * is that poster's failure, naming the memory, and the poster after it is still predicted.
     */
    @Test
    void aPosterTooDeepForTheHeapIsItsOwnFailureAndTheNextIsPredicted() throws Exception {
        Path deep = dir.resolve("deep.png");
        java.awt.color.ColorSpace cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        var cm = new java.awt.image.ComponentColorModel(cs, true, false, java.awt.Transparency.TRANSLUCENT,
                java.awt.image.DataBuffer.TYPE_USHORT);
        ImageIO.write(new BufferedImage(cm, cm.createCompatibleWritableRaster(3000, 3000), false, null), "png", deep.toFile());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-Xmx128m", "--add-modules=jdk.incubator.vector", "-cp", classPath,
                Main.class.getName(), "predict", "--backend", "reference", "-c", checkpoint.toString(), deep.toString(),
                args.get(5))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), output);
        assertTrue(output.contains("error: " + deep + ": ") && output.contains("3,000 x 3,000 pixels need about")
                && output.contains("MB of memory to decode and resize"), output);
        assertTrue(output.contains("p0.png: "), output);
        assertTrue(!output.contains("OutOfMemoryError"), output);
    }
}
