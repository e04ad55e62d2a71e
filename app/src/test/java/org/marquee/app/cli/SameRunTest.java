package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.NamedArray;

/**
 * A run made before a change of the training code and the same run after it agree bit for bit:
 * {@code golden/same-run.txt} holds what a 3-epoch synthetic run with every training feature on
 * (augmentation, cosine schedule with warm-up, AdamW, the weight average, normalization, weighted
 * positives, log-odds biases, selection by the rule's micro-F1) printed and wrote, as digests of
 * every array of both checkpoints, the epoch log without its timings and the console without its
 * progress lines; {@code golden/last.ckpt} is that run's last checkpoint as written then (format 2, still read).
 * The float64 reference backend makes the run the same on every machine.
 */
class SameRunTest extends CapturedConsole {
    static final String[] RUN = {"train", "--backend", "reference", "--synthetic", "48", "--image-size", "22", "--epochs", "3",
            "--batch-size", "8", "--seed", "7", "--augment", "all", "--ema", "0.9", "--schedule", "cosine", "--warmup-epochs", "1",
            "--pos-weight", "3", "--normalize", "--select", "micro-f1", "--weight-decay", "0.01", "--lr", "3e-3", "--bias-init",
            "log-odds"};
    @TempDir Path dir;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(SameRunTest.class.getResource("/golden/" + name).toURI());
    }

    @Test
    void aSyntheticRunWritesWhatTheGoldenRunWrote() throws Exception {
        Path o = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of(RUN));
        args.addAll(List.of("-o", o.toString()));
        assertEquals(0, Main.run(args.toArray(String[]::new)), err());
        String now = describe(o, out());
        if (Boolean.getBoolean("marquee.golden.write")) {   // regenerate: only ever with the code the golden run is to stand for
            Files.writeString(Path.of("src/test/resources/golden/same-run.txt"), now);
        }
        String golden = Files.readString(resource("same-run.txt"));
        assertEquals(golden, now);
    }

    /** The same on 150 real movies, where ../shared/data (or MARQUEE_DATA) is present. */
    @Test
    void aShortRealPosterRunWritesWhatTheGoldenRunWrote() throws Exception {
        Path data = org.marquee.dataset.DataLocation.find().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(data != null && Files.isRegularFile(data.resolve(org.marquee.dataset.DataLocation.CSV_NAME)),
                "no shared/data/MovieGenre.csv found");
        Path o = dir.resolve("real");
        List<String> args = new ArrayList<>(List.of("train", "--backend", "reference", "--data", data.toString(), "--limit", "150",
                "--image-size", "22", "--epochs", "2", "--batch-size", "8", "--seed", "5", "--augment", "real", "--lr", "2e-3",
                "--cache", dir.resolve("posters.cache").toString(), "-o", o.toString()));
        assertEquals(0, Main.run(args.toArray(String[]::new)), err());
        String now = describe(o, out()).replace(data.toString(), "DATA").replace(dir.toString(), "TMP");
        if (Boolean.getBoolean("marquee.golden.write")) Files.writeString(Path.of("src/test/resources/golden/same-real-run.txt"), now);
        assertEquals(Files.readString(resource("same-real-run.txt")), now);
    }

    @Test
    void theGoldenLastCheckpointStillReadsAsItWasWritten() throws Exception {
        Checkpoint c = CheckpointFile.read(resource("last.ckpt"));
        String golden = Files.readString(resource("same-run.txt"));
        String section = golden.substring(golden.indexOf("== last.ckpt"), golden.indexOf("== epochs.csv"));
        assertEquals(section, "== last.ckpt\n" + describe(c));
    }

    /** The run's files and console as text, with the output folder, timings, progress lines and run id left out. */
    static String describe(Path output, String console) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("best.ckpt", "last.ckpt")) sb.append("== ").append(f).append('\n').append(describe(CheckpointFile.read(output.resolve(f))));
        sb.append("== epochs.csv\n").append(withoutTimings(Files.readString(output.resolve("epochs.csv"))));
        sb.append("== console\n");
        for (String line : console.split("\n")) {
            if (line.contains(" step ") && line.contains("ETA")) continue;
            line = line.replace(output.toString(), "OUT").replaceAll("  [0-9.]+ s \\([0-9.]+ img/s\\)", "");
            if (line.startsWith("backend:")) continue;
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    static String describe(Checkpoint c) {
        StringBuilder sb = new StringBuilder();
        var t = c.training();
        var m = c.model();
        sb.append("model ").append(m.architecture()).append(' ').append(m.channels()).append('x').append(m.height()).append('x')
                .append(m.width()).append(" -> ").append(m.classes()).append(", ").append(m.parameterCount()).append(" parameters\n");
        sb.append("layers ").append(m.layers().replace('\n', '|')).append('\n');
        sb.append("genres ").append(c.genres()).append('\n');
        sb.append("training seed ").append(t.seed()).append(" epoch ").append(t.epoch()).append(" step ").append(t.step())
                .append(" best ").append(t.bestScore()).append(" at ").append(t.bestEpoch()).append(" stale ").append(t.staleEpochs()).append('\n');
        sb.append("log ").append(withoutTimings(t.log()).replace('\n', '|')).append('\n');
        Map<String, String> run = new TreeMap<>(c.run().values());
        run.keySet().removeIf(k -> k.endsWith("run-id"));
        sb.append("run ").append(run).append('\n');
        sb.append("precision ").append(c.precision()).append('\n');
        sb.append("weights ").append(digest(c.weights())).append('\n');
        sb.append("adam t ").append(c.adamT()).append(" m ").append(c.adamM() == null ? "-" : digest(c.adamM()))
                .append(" v ").append(c.adamV() == null ? "-" : digest(c.adamV())).append('\n');
        for (NamedArray a : c.extras()) sb.append("extra ").append(a.name()).append(' ').append(a.values().length).append(' ').append(digest(a.values())).append('\n');
        return sb.toString();
    }

    /** The CSV without its last two columns (seconds and images per second). */
    static String withoutTimings(String csv) {
        StringBuilder sb = new StringBuilder();
        for (String line : csv.split("\n")) {
            String[] cells = line.split(",");
            sb.append(String.join(",", java.util.Arrays.copyOf(cells, cells.length - 2))).append('\n');
        }
        return sb.toString();
    }

    static String digest(double[] values) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(8);
            for (double v : values) {
                b.clear();
                md.update(b.putDouble(v).array());
            }
            return values.length + " " + HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
