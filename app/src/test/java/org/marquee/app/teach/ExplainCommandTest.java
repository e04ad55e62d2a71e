package org.marquee.app.teach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.PosterModel;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

class ExplainCommandTest {
    private static final int SIZE = 40;    // 40 -> 38 -> 19 -> 17 -> 8 -> 6 -> 3: the same layers, small and quick

    @TempDir Path dir;

    @Test
    void printsEveryLayerAndWritesEachConvolutionsFeatureMaps() throws Exception {
        Run r = Run.of(new ExplainCommand(), "--image-size", "" + SIZE, "-o", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        try (Sequential model = PosterModel.build(new ReferenceBackend(), 1, SIZE, SIZE, PosterModel.GENRES)) {
            for (Layer layer : model.layers()) {
                String shape = org.marquee.engine.Shapes.format(layer.outputShape(), false);
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(layer.name() + " ") && l.contains(layer.type()) && l.contains(shape)),
                        layer.name() + " " + shape + " in\n" + r.out());
            }
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("total") && l.contains(String.format(Locale.ROOT, "%,d", model.parameterCount()))),
                    r.out());
            for (Layer layer : model.layers()) {
                if (!(layer instanceof org.marquee.engine.nn.Conv2d)) continue;
                Path png = dir.resolve(layer.name() + ".png");
                assertTrue(r.out().contains("wrote " + png), r.out());
                BufferedImage img = ImageIO.read(png.toFile());
                assertNotNull(img, png + " is a PNG");
                int[] s = layer.outputShape();
                int cols = (int) Math.ceil(Math.sqrt(s[0])), rows = (s[0] + cols - 1) / cols;
                assertEquals(2 + cols * (s[2] + 2), img.getWidth());
                assertEquals(2 + rows * (s[1] + 2), img.getHeight());
            }
        }
        assertTrue(r.out().contains("synthetic poster 0"), r.out());
        assertEquals(17, statistics(r.out()).size(), r.out());
        assertTrue(r.out().contains("loss against its genres"), r.out());
        assertTrue(r.out().contains("top 5 genres:"), r.out());
    }

    @Test
    void statisticsAreThoseOfTheLayerOutputs() throws Exception {
        PosterInput poster = PosterInput.synthetic(3, SIZE, 42);
        List<double[]> convOutputs = new ArrayList<>();
        ExplainRun.Result result;
        try (Sequential model = PosterModel.build(new ReferenceBackend(), 5, SIZE, SIZE, PosterModel.GENRES)) {
            result = ExplainRun.run(model, poster.pixels(), (conv, maps) -> convOutputs.add(maps));
        }
        assertEquals(3, convOutputs.size());
        List<LayerStats> layers = result.layers();
        assertEquals("input", layers.get(0).name());
        assertArrayEquals(new int[] {3, SIZE, SIZE}, layers.get(0).shape());
        LayerStats conv1 = layers.get(1), relu1 = layers.get(2);
        double[] maps = convOutputs.get(0);
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0, nonPositive = 0;
        for (double v : maps) { min = Math.min(min, v); max = Math.max(max, v); sum += v; if (v <= 0) nonPositive++; }
        assertEquals(min, conv1.min());
        assertEquals(max, conv1.max());
        assertEquals(sum / maps.length, conv1.mean(), 1e-12);
        assertEquals(896, conv1.parameters());
        // ReLU zeroes exactly the non-positive convolution outputs, and keeps the maximum
        assertEquals(nonPositive / maps.length, relu1.zeroFraction(), 1e-12);
        assertEquals(0.0, relu1.min());
        assertEquals(max, relu1.max());
        assertTrue(relu1.zeroFraction() > 0.05 && relu1.zeroFraction() < 0.95, "some units on, some off: " + relu1);
        assertEquals(27, result.logits().length);
        assertTrue(layers.stream().skip(1).allMatch(s -> s.nanos() >= 0));
    }

    @Test
    void aPosterFileAndNoImages() throws Exception {
        BufferedImage img = new BufferedImage(60, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) for (int x = 0; x < 60; x++) img.setRGB(x, y, (x * 4 << 16) | (y * 2 << 8) | 128);
        Path file = dir.resolve("poster.png");
        ImageIO.write(img, "png", file.toFile());
        Path out = dir.resolve("maps");
        Run r = Run.of(new ExplainCommand(), "--poster", file.toString(), "--image-size", "" + SIZE, "--no-images", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("poster:  " + file), r.out());
        assertFalse(r.out().contains("loss against"), "a file's genres are unknown: " + r.out());
        assertFalse(Files.exists(out), "no PNGs with --no-images");

        Run repeated = Run.of(new ExplainCommand(), "--poster", file.toString(), "--image-size", "" + SIZE, "--no-images", "--repeat", "3");
        assertEquals(0, repeated.exitCode(), repeated.err());
        assertTrue(repeated.out().contains("(times: median of 3 runs)"), repeated.out());
        assertEquals(statistics(r.out()), statistics(repeated.out()), "the same values, however often it runs");
    }

    /** The table without its time column. */
    private static List<String> statistics(String out) {
        return out.lines().filter(l -> l.matches("^\\w+_\\d+ .*%.*")).map(l -> l.substring(0, l.lastIndexOf('%') + 1)).toList();
    }

    @Test
    void aTrainedModelFromACheckpoint() throws Exception {
        Path file = dir.resolve("model.ckpt");
        List<String> genres = org.marquee.dataset.SyntheticPosters.GENRES;
        try (Sequential model = PosterModel.build(new ReferenceBackend(), 9, SIZE, SIZE, genres.size())) {
            model.backend().fill(model.parameters().view(model.parameterCount() - 1, 1), 3.0);   // last bias: a confident last genre
            org.marquee.engine.checkpoint.CheckpointFile.write(org.marquee.app.train.ModelState.snapshot(model, null, genres,
                    org.marquee.engine.checkpoint.TrainingState.initial(9)), file);
        }
        Run r = Run.of(new ExplainCommand(), "--checkpoint", file.toString(), "--no-images");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("model:   poster-cnn 3x" + SIZE + "x" + SIZE + " -> 27") && r.out().contains(file.toString()), r.out());
        assertTrue(r.out().contains("(" + "32, " + (SIZE - 2) + ", " + (SIZE - 2) + ")"), "the checkpoint's image size: " + r.out());
        assertTrue(r.out().contains("top 5 genres: " + genres.get(26) + " 0.95"), "the loaded bias shows: " + r.out());

        Path broken = dir.resolve("broken.ckpt");
        Files.write(broken, new byte[] {1, 2, 3});
        Run bad = Run.of(new ExplainCommand(), "-c", broken.toString());   // -c as in evaluate, predict and export
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().startsWith("error: ") && bad.err().contains("broken.ckpt"), bad.err());
    }

    /** A real poster, when the data set is present (it is not part of the repository). */
    @Test
    void aRealPosterWhenTheDataIsPresent() {
        Path posters = org.marquee.dataset.DataLocation.find().map(d -> d.resolve(org.marquee.dataset.DataLocation.POSTERS)).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(posters != null && Files.isDirectory(posters), "no poster data here");
        Path poster;
        try (var files = Files.list(posters)) {
            poster = files.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElse(null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(poster != null, "no .jpg in " + posters);
        Run r = Run.of(new ExplainCommand(), "--poster", poster.toString(), "--image-size", "" + SIZE, "-o", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("poster:  " + poster), r.out());
        assertTrue(Files.exists(dir.resolve("conv2d_3.png")));
    }

    @Test
    void clearErrors() {
        Path missing = dir.resolve("nope.jpg");
        Run r = Run.of(new ExplainCommand(), "--poster", missing.toString(), "--image-size", "" + SIZE);
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("nope.jpg"), r.err());

        Run b = Run.of(new ExplainCommand(), "--backend", "abacus", "--image-size", "" + SIZE);
        assertEquals(1, b.exitCode());
        assertTrue(b.err().contains("unknown backend 'abacus'") && b.err().contains("reference"), b.err());

        Run s = Run.of(new ExplainCommand(), "--image-size", "20");
        assertEquals(1, s.exitCode());
        assertTrue(s.err().contains("--image-size must be at least 22 and at most 512 pixels, not 20"), "says the allowed range: " + s.err());
    }
}
