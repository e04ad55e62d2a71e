package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.train.ModelState;
import org.marquee.dataset.PosterImages;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.onnx.OnnxRuntimeRun;
import org.marquee.engine.reference.ReferenceBackend;

/** {@code export --onnx} through Main: the file it writes runs in ONNX Runtime and gives what predict reports. */
class ExportCommandTest extends CapturedConsole {
    static final List<String> GENRES = List.of("Action", "Comedy", "Drama", "Horror");
    @TempDir Path dir;
    Path checkpoint;

    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    /** A 24x24 poster model with its Glorot kernels and random biases, so the genres get different probabilities. */
    @BeforeEach
    void writeCheckpoint() throws IOException {
        checkpoint = dir.resolve("m.ckpt");
        try (ReferenceBackend b = new ReferenceBackend(); Sequential model = PosterModel.build(b, 3, 24, 24, GENRES.size())) {
            double[] all = model.parameters().toDoubles();
            SplittableRandom r = new SplittableRandom(4);
            for (Parameter p : model.namedParameters()) {
                if (!p.name().endsWith("/bias")) continue;
                int start = Math.toIntExact(p.value().offset() - model.parameters().offset());
                for (int i = 0; i < p.value().size(); i++) all[start + i] = r.nextDouble(-1, 1);
            }
            b.upload(model.parameters(), all);
            CheckpointFile.write(ModelState.snapshot(model, null, GENRES, TrainingState.initial(3)), checkpoint);
        }
    }

    @Test
    void theExportedFileGivesWhatPredictReports() throws IOException, OrtException {
        Path onnx = dir.resolve("out").resolve("poster.onnx");
        assertEquals(0, run("export", "--onnx", onnx.toString(), "-c", checkpoint.toString()), err());
        byte[] bytes = Files.readAllBytes(onnx);
        String text = out();
        assertTrue(text.contains("wrote " + onnx + ": ") && text.contains(String.format("(%,d bytes), ONNX opset 13", bytes.length)), text);
        assertTrue(text.contains("input float32 (N, 3, 24, 24)"), text);
        assertTrue(text.contains("probabilities float32 (N, 4)") && text.contains("logits float32 (N, 4)"), text);
        assertTrue(text.contains("Action, Comedy, Drama, Horror") && text.contains("import onnxruntime"), text);

        Map<String, String> metadata = OnnxRuntimeRun.metadata(bytes);
        assertEquals("Action,Comedy,Drama,Horror", metadata.get("genres"));
        assertEquals("24x24", metadata.get("image_size"));

        Path poster = dir.resolve("poster.png");
        BufferedImage img = new BufferedImage(30, 45, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(5);
        for (int y = 0; y < 45; y++) for (int x = 0; x < 30; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ImageIO.write(img, "png", poster.toFile());
        assertEquals(0, run("predict", "--backend", "reference", "--json", "--top", "4", "-c", checkpoint.toString(), poster.toString()),
                err());
        Matcher m = Pattern.compile("\"genre\": \"(\\w+)\", \"probability\": ([0-9.]+)").matcher(out());

        float[] pixels = new PosterImages(24).load(poster);
        float[] probabilities = OnnxRuntimeRun.run(bytes, pixels, 1, 3, 24, 24).get("probabilities").values();
        int found = 0;
        double min = 1, max = 0;
        while (m.find()) {
            double printed = Double.parseDouble(m.group(2));
            double onnxValue = probabilities[GENRES.indexOf(m.group(1))];
            assertEquals(printed, onnxValue, 1e-4, m.group(1) + ": predict printed " + printed + ", ONNX Runtime gives " + onnxValue);
            min = Math.min(min, printed);
            max = Math.max(max, printed);
            found++;
        }
        assertEquals(4, found, out());
        assertTrue(max - min > 0.05, "distinct probabilities, " + min + " to " + max);

        assertEquals(0, run("export", "--onnx", onnx.toString(), "-c", checkpoint.toString()), err());
        assertArrayEquals(bytes, Files.readAllBytes(onnx), "exported again, the same bytes");
        try (var files = Files.list(onnx.getParent())) {
            assertEquals(List.of(onnx), files.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void optionsAreCheckedBeforeTheCheckpointIsRead() throws IOException {
        Path missing = dir.resolve("no-such.ckpt");
        assertEquals(1, run("export", "--onnx", dir.toString(), "-c", missing.toString()));
        assertTrue(err().contains("--onnx: " + dir + " is a folder"), err());
        assertEquals(1, run("export", "--onnx", checkpoint.toString(), "-c", checkpoint.toString()));
        assertTrue(err().contains("is the checkpoint itself"), err());
        assertTrue(Files.size(checkpoint) > 0);
        assertEquals(2, run("export", "-c", checkpoint.toString()));
        assertTrue(err().contains("--onnx"), err());

        Path onnx = dir.resolve("m.onnx");
        assertEquals(1, run("export", "--onnx", onnx.toString(), "-c", missing.toString()));
        assertTrue(err().contains(missing.toString()), err());
        assertFalse(Files.exists(onnx), "nothing written");
    }

    @Test
    void anOnnxPathUnderAFileOrOnAFifoSaysWhyAndReplacesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        assertEquals(1, run("export", "--onnx", file.resolve("m.onnx").toString(), "-c", checkpoint.toString()));
        assertTrue(err().contains(file + " exists and is a regular file, not a folder"), err());
        Path pipe = dir.resolve("pipe.onnx");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() == 0);
        assertEquals(1, run("export", "--onnx", pipe.toString(), "-c", checkpoint.toString()));
        assertTrue(err().contains("is a FIFO (named pipe); it is never replaced"), err());
        assertEquals(org.marquee.engine.io.FileKind.FIFO, org.marquee.engine.io.FileKind.of(pipe));
    }
}
