package org.marquee.app.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.marquee.app.LoadedModel;
import org.marquee.app.Main;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.train.ModelState;
import org.marquee.dataset.PosterImages;
import org.marquee.dataset.SyntheticPosters;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** A small poster model's checkpoint (24x24 posters, the 27 genres), posters, and a server for it. */
final class ServeFixtures {
    static final int SIZE = 24;

    private ServeFixtures() {}

    static Path checkpoint(Path dir) throws IOException {
        Path file = dir.resolve("tiny.ckpt");
        try (ReferenceBackend b = new ReferenceBackend(); Sequential model = PosterModel.build(b, 7, SIZE, SIZE, PosterModel.GENRES)) {
            CheckpointFile.write(ModelState.snapshot(model, null, SyntheticPosters.GENRES, TrainingState.initial(7)), file);
        }
        return file;
    }

    /** A 60 x 90 PNG of coloured noise. */
    static Path poster(Path dir, String name, long seed) throws IOException {
        BufferedImage img = new BufferedImage(60, 90, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < 90; y++) for (int x = 0; x < 60; x++) img.setRGB(x, y, r.nextInt(0x1000000));
        Path file = dir.resolve(name);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A synthetic test poster (shapes and colours by genre) of 160 x 160 pixels, as the demo writes one. */
    static Path syntheticPoster(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        try (var data = new org.marquee.app.data.DataLoader(new PrintStream(OutputStream.nullOutputStream())).synthetic(40, 160, 2017)) {
            float[] pixels = new float[data.test().pixelsPerImage()];
            data.test().fillBatch(new int[] {0}, pixels, new float[data.genres().size()]);
            org.marquee.app.report.PosterPng.write(pixels, 160, file);
        }
        return file;
    }

    /** The model of {@code checkpoint} on the cpu backend with the plain rule at 0.5, as predict applies it to a checkpoint without a rule. */
    static PosterService service(Path checkpoint) throws IOException {
        CpuBackend cpu = new CpuBackend();
        LoadedModel loaded = LoadedModel.open(checkpoint, cpu, false, true);
        double[] t = new double[PosterModel.GENRES];
        java.util.Arrays.fill(t, 0.5);
        return new PosterService(loaded, new DecisionRule(t, 0, t.length), "every genre at probability >= 0.50",
                PosterImages.DEFAULT_MAX_PIXELS);
    }

    /** What {@code marquee predict --json --top 27 --backend cpu} prints for the poster. */
    static String predictJson(Path checkpoint, Path poster) {
        PrintStream saved = System.out, savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            int code = Main.run("predict", "--json", "--top", "27", "--backend", "cpu", "-c", checkpoint.toString(), poster.toString());
            if (code != 0) throw new AssertionError("predict failed: " + out);
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Each genre's probability as predict --json prints it, in its order. */
    static List<String[]> predictProbabilities(String json) {
        var m = java.util.regex.Pattern.compile("\\{\"genre\": \"([^\"]+)\", \"probability\": ([-0-9.eE]+)").matcher(json);
        List<String[]> out = new java.util.ArrayList<>();
        // genre, predict --json's full-precision value, and that value as the page's bar label shows it (4 decimals)
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2), String.format(java.util.Locale.ROOT, "%.4f", Double.parseDouble(m.group(2)))});
        }
        return out;
    }

    /** Sends {@code requestLine} exactly as written (no client normalizes its path) and returns the status and body. */
    static String[] raw(URI server, String requestLine) throws IOException {
        try (Socket s = new Socket(server.getHost(), server.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String status = response.substring(9, 12);
            int body = response.indexOf("\r\n\r\n");
            return new String[] {status, body < 0 ? "" : response.substring(body + 4)};
        }
    }
}
