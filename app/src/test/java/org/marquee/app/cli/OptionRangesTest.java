package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.app.PosterModel;
import org.marquee.engine.reference.ReferenceBackend;

/** Out-of-range options end in one message naming the option and its range, before any work is done. */
class OptionRangesTest extends CapturedConsole {
    @TempDir Path dir;

    /** Runs the command, expects exit 1 with {@code message} on stderr, and nothing written to the output folder. */
    void rejected(String message, String... args) {
        out.reset();
        err.reset();
        assertEquals(1, Main.run(args), out.toString(StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("error: ") && e.contains(message), message + " in:\n" + e);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("data:"), "rejected before loading data");
    }

    @Test
    void theSmallestImageSizeIsTheSmallestTheModelAccepts() {
        try (ReferenceBackend b = new ReferenceBackend()) {
            PosterModel.build(b, 1, PosterModel.MIN_IMAGE_SIZE, PosterModel.MIN_IMAGE_SIZE, 3).close();
            int smaller = PosterModel.MIN_IMAGE_SIZE - 1;
            assertThrows(RuntimeException.class, () -> PosterModel.build(b, 1, smaller, smaller, 3).close());
        }
    }

    @Test
    void trainOptions() {
        String o = dir.resolve("run").toString();
        rejected("--image-size must be at least 22 and at most 512 pixels, not 20", "train", "--backend", "reference", "--image-size", "20", "-o", o);
        rejected("--image-size must be at least 22 and at most 512 pixels, not 4096", "train", "--image-size", "4096", "-o", o);
        rejected("--epochs must be from 1 to 1000000, not 0", "train", "--epochs", "0", "-o", o);
        rejected("--batch-size must be from 1 to 65536, not -3", "train", "--batch-size", "-3", "-o", o);
        rejected("--learning-rate must be greater than 0", "train", "--lr", "-1e-3", "-o", o);
        rejected("--learning-rate must be greater than 0", "train", "--lr", "NaN", "-o", o);
        rejected("--clip-norm must be 0 or more", "train", "--clip-norm", "-1", "-o", o);
        rejected("--patience must be from 0", "train", "--patience", "-1", "-o", o);
        rejected("--threads must be from 0 to 4096, not -2", "train", "--threads", "-2", "-o", o);
        rejected("--synthetic must be from 5 to 1000000, not 2", "train", "--synthetic", "2", "-o", o);
        rejected("--limit must be at least 0, not -5", "train", "--limit", "-5", "-o", o);
        rejected("--shards needs --spark", "train", "--shards", "3", "-o", o);
        rejected("--shards must be from 0 to 100000, not -1", "train", "--spark", "local[2]", "--shards", "-1", "-o", o);
        rejected("--spark needs a master URL", "train", "--spark", " ", "-o", o);
        rejected("--spark needs the spark module", "train", "--spark", "local[2]", "--synthetic", "20", "--image-size", "24", "-o", o);
        assertFalse(Files.exists(dir.resolve("run")), "no output folder for a rejected command");
    }

    @Test
    void trainingRecipeOptions() {
        String o = dir.resolve("run").toString();
        rejected("--weight-decay must be 0 or more and at most 1.0, not -0.1", "train", "--weight-decay", "-0.1", "-o", o);
        rejected("--learning-rate x --weight-decay must be below 1", "train", "--lr", "1", "--weight-decay", "1", "-o", o);
        rejected("--warmup-epochs must be from 0 to 1000000, not -1", "train", "--warmup-epochs", "-1", "-o", o);
        rejected("--warmup-epochs needs --schedule cosine", "train", "--warmup-epochs", "1", "-o", o);
        rejected("--warmup-epochs must be fewer than --epochs (2), not 2", "train", "--schedule", "cosine", "--epochs", "2",
                "--warmup-epochs", "2", "-o", o);
        rejected("--schedule must be constant or cosine, not 'linear'", "train", "--schedule", "linear", "-o", o);
        rejected("--augment must be none, real, all or a comma-separated list of crop, shift, color and flip", "train", "--augment", "crop,hue",
                "-o", o);
        rejected("--bias-init must be zero or log-odds, not 'prior'", "train", "--bias-init", "prior", "-o", o);
        assertFalse(Files.exists(dir.resolve("run")), "no output folder for a rejected command");
    }

    @Test
    void otherCommands() {
        rejected("--top must be at least 1, not -7", "predict", "--top", "-7", "x.png");
        rejected("--batch-size must be from 1 to 65536, not 0", "evaluate", "--batch-size", "0");
        rejected("--image-size must be at least 22", "summary", "--image-size", "10");
        rejected("--parallel must be from 1 to 256, not 0", "download", "--data", "x.csv", "--posters", "p", "--parallel", "0");
        rejected("--repeat must be from 1 to 10000, not 0", "explain", "--repeat", "0");
    }

    @Test
    void anUnknownBackendIsRejectedByEveryCommandBeforeAnythingIsBuilt() {
        String o = dir.resolve("run").toString();
        String known = "unknown backend 'gpu': expected auto, cpu, opencl or reference";
        rejected("--backend: " + known, "train", "--backend", "gpu", "-o", o);
        rejected("--backend: " + known, "evaluate", "--backend", "gpu", "-c", dir.resolve("missing.ckpt").toString());
        rejected("--backend: " + known, "predict", "--backend", "gpu", "-c", dir.resolve("missing.ckpt").toString(), "x.png");
        rejected("--backend: " + known, "explain", "--backend", "gpu", "-o", o);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("backend"), "no backend chosen or opened");
        assertFalse(Files.exists(dir.resolve("run")), "no output folder for a rejected command");
        rejected("--backend: unknown backend 'CUDA'", "train", "--backend", "CUDA", "-o", o);
    }
}
