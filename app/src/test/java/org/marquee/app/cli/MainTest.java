package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.app.train.EpochLog;
import org.marquee.engine.BackendProvider;

/** The command line end to end, on the reference backend with 24x24 synthetic posters. */
class MainTest extends CapturedConsole {
    static final String[] TINY = {"--backend", "reference", "--synthetic", "40"};
    @TempDir Path dir;


    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, run("--help"));
        for (String c : List.of("train", "evaluate", "predict", "summary", "download", "devices")) {
            assertTrue(out().contains(c), c + " missing from:\n" + out());
        }
        assertEquals(0, run("train", "--help"));
        for (String o : List.of("--backend", "--device", "--epochs", "--batch-size", "--learning-rate", "--clip-norm", "--seed",
                "--output", "--threads", "--data", "--posters", "--limit", "--image-size", "--resume", "--patience")) {
            assertTrue(out().contains(o), o + " missing from:\n" + out());
        }
    }

    @Test
    void trainResumeEvaluateAndPredict() throws IOException {
        Path o = dir.resolve("run");
        String[] train = concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3", "-o", o.toString());
        assertEquals(0, run(concat(concat(new String[] {"train"}, train), "--epochs", "1")), err());
        assertTrue(out().contains("predict nothing") && out().contains("test set"), out());
        for (String f : List.of("best.ckpt", "last.ckpt", "epochs.csv", "loss.png", "f1.png", "filters.png", "feature-maps.png")) {
            assertTrue(Files.isRegularFile(o.resolve(f)), f);
        }

        assertEquals(0, run(concat(concat(new String[] {"train"}, train), "--epochs", "2", "--resume")), err());
        assertTrue(out().contains("resuming from") && out().contains("after epoch 1"), out());
        String trained = out();
        String testTable = trained.substring(trained.indexOf("best.ckpt:\n", trained.indexOf("test set (")) + 11, trained.indexOf("wrote "));
        assertTrue(testTable.contains("model, threshold 0.50") && testTable.contains("model, decision rule")
                && testTable.contains("predict nothing"), trained);
        String ruleLine = trained.lines().filter(l -> l.startsWith("decision rule tuned on the validation split")).findFirst().orElseThrow();
        assertTrue(org.marquee.app.metrics.DecisionRule.from(org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("best.ckpt")))
                .isPresent(), "train stores the rule in best.ckpt");
        assertEquals(2, EpochLog.parse(Files.readString(o.resolve("epochs.csv"))).rows().size());

        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", o.resolve("best.ckpt").toString()))), err());
        assertTrue(out().contains("test split: 8 posters") && out().contains("support"), out());
        assertTrue(out().contains("decision rule from the checkpoint: " + ruleLine.substring(ruleLine.indexOf("best.ckpt: ") + 11)), out());
        assertTrue(out().contains(testTable + "\n"), "train's test report, as evaluate prints it:\n" + testTable
                + "\nevaluate:\n" + out());
        var withRule = org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("best.ckpt"));
        Path older = dir.resolve("older.ckpt");
        org.marquee.engine.checkpoint.CheckpointFile.write(withRule.with(withRule.run(), withRule.extras().stream()
                .filter(a -> !a.name().startsWith("decision-")).toList()), older);
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", older.toString()))), err());
        assertTrue(out().contains("the checkpoint stores no decision rule (an older checkpoint); tuned one on the validation split (8 posters): "
                + ruleLine.substring(ruleLine.indexOf("best.ckpt: ") + 11)), "the same rule, tuned again:\n" + out());
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", o.resolve("best.ckpt").toString(), "--threshold", "tuned"))),
                err());
        assertTrue(out().contains("model, threshold 0.50") && out().contains("on the validation split")
                && !out().contains("decision rule"), out());
        assertEquals(1, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", o.resolve("best.ckpt").toString(), "--threshold", "1.5"))));
        assertTrue(err().contains("threshold must be between 0 and 1"), err());

        Path poster = dir.resolve("poster.png");
        BufferedImage img = new BufferedImage(40, 60, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0xFF0000);
        ImageIO.write(img, "png", poster.toFile());
        assertEquals(0, run("predict", "--backend", "reference", "--json", "-c", o.resolve("best.ckpt").toString(), poster.toString()), err());
        String json = out().strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), json);
        assertEquals(3, json.split("\"genre\"").length - 1, json);
        assertTrue(json.contains("\"decided\": [\""), "the stored rule decides at least the top genre: " + json);
        assertTrue(err().contains("decided by the checkpoint's decision rule: top 1 genre always"), err());
        assertEquals(0, run("predict", "--backend", "reference", "--top", "2", "-c", o.resolve("best.ckpt").toString(), poster.toString()));
        assertTrue(out().contains(poster + ": ") && out().contains("% *"), out());
    }

    @Test
    void resumeRefusesToChangeTheExperimentUnlessTold() throws IOException {
        Path o = dir.resolve("run");
        String[] base = concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "-o", o.toString()));
        String[] train = concat(base, "--lr", "3e-3");
        assertEquals(0, run(concat(train, "--epochs", "1")), err());
        var recorded = org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("last.ckpt"));
        assertEquals("2017", recorded.run().get("--split-seed").orElseThrow());
        assertEquals("0.003", recorded.run().get("--learning-rate").orElseThrow());
        assertEquals("40", recorded.run().get("--synthetic").orElseThrow());
        assertEquals(24, recorded.extra(TrainCommand.TRAIN_IDS).orElseThrow().values().length, "60% of 40 posters");
        byte[] before = Files.readAllBytes(o.resolve("last.ckpt"));

        assertEquals(1, run(concat(train, "--epochs", "2", "--resume", "--split-seed", "7")));
        assertTrue(err().contains("--split-seed was 2017, now 7") && err().contains("--allow-change split-seed"), err());
        assertEquals(1, run(concat(concat(new String[] {"train"}, "--backend", "reference", "--synthetic", "50", "--image-size", "24",
                "--batch-size", "8", "--lr", "3e-3", "-o", o.toString()), "--epochs", "2", "--resume")));
        assertTrue(err().contains("--synthetic was 40, now 50") && err().contains("posters was 40 posters"), err());
        assertEquals(1, run(concat(train, "--epochs", "2", "--resume", "--flip", "--clip-norm", "0.5")));
        assertTrue(err().contains("--clip-norm was 1.0, now 0.5") && err().contains("--augment was none, now flip"), err());
        assertArrayEquals(before, Files.readAllBytes(o.resolve("last.ckpt")), "a refused resume writes nothing");

        String[] lower = concat(base, "--epochs", "2", "--resume", "--lr", "1e-3");
        assertEquals(1, run(lower));
        assertTrue(err().contains("--learning-rate was 0.003, now 0.001"), err());
        assertEquals(0, run(concat(lower, "--allow-change", "learning-rate")), err());
        assertTrue(out().contains("--learning-rate changes from 0.003 to 0.001 (allowed)") && out().contains("after epoch 1"), out());
        assertEquals(1, run(concat(train, "--epochs", "3", "--resume", "--allow-change", "learning-rat")));
        assertTrue(err().contains("--allow-change names --learning-rat, which is not an option this run records: --seed, "), err());
    }

    @Test
    void evaluateUsesTheTrainingRunsDataAndRefusesToScoreTrainingPosters() throws IOException {
        Path o = dir.resolve("run");
        assertEquals(0, run("train", "--backend", "reference", "--synthetic", "40", "--split-seed", "5", "--image-size", "24",
                "--batch-size", "8", "--epochs", "1", "-o", o.toString()), err());
        String ckpt = o.resolve("best.ckpt").toString();

        assertEquals(0, run("evaluate", "--backend", "reference", "-c", ckpt), err());
        assertTrue(out().contains("data setup from " + ckpt + ": synthetic posters --synthetic 40 --split-seed 5"), out());
        assertTrue(out().contains("test split: 8 posters"), out());

        assertEquals(1, run("evaluate", "--backend", "reference", "-c", ckpt, "--split-seed", "6"));
        assertTrue(err().contains("of the 8 test posters") && err().contains("were training posters of " + ckpt)
                && err().contains("--split-seed was 5, now 6"), err());
        assertEquals(1, run("evaluate", "--backend", "reference", "-c", ckpt, "--synthetic", "1000", "--split", "validation"));
        assertTrue(err().contains("validation posters") && err().contains("differs from the training run's: --synthetic was 40, now 1000."),
                "only the option that differs and decides the posters, not --seed, --epochs or the fingerprint: " + err());
        assertEquals(0, run("evaluate", "--backend", "reference", "-c", ckpt, "--split", "train"), err());
        assertTrue(out().contains("train split: 24 posters"), out());
        assertTrue(out().contains("note: the train split holds the posters the checkpoint was trained on"), out());
    }

    @Test
    void anOutputPathUnderAFileOrADeviceOptionWithTheCpuBackendSayWhy() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        assertEquals(1, run(concat(new String[] {"train"}, concat(TINY, "--epochs", "1", "-o", file.toString()))));
        assertTrue(err().contains(file + " exists and is a regular file, not a folder"), err());
        assertEquals(1, run(concat(new String[] {"train"}, concat(TINY, "--epochs", "1", "-o", file.resolve("run").toString()))));
        assertTrue(err().contains(file.resolve("run") + ": Not a directory"), err());
        for (String backend : List.of("cpu", "reference")) {
            assertTrue(run("train", "--backend", backend, "--device", "1", "--synthetic", "40") != 0);
            assertTrue(err().contains("--device 1 picks an OpenCL device, and the " + backend + " backend uses none"), err());
        }
    }

    @Test
    void selectRecordsItsMetricAndAnOlderRunResumesSelectingByLoss() throws IOException {
        assertEquals(1, run("train", "--select", "accuracy", "--data", dir.resolve("nowhere").toString()));
        assertTrue(err().contains("--select must be loss, micro-f1 or map, not 'accuracy'") && !err().contains("nowhere"),
                "checked before the data: " + err());

        Path o = dir.resolve("run");
        String[] train = concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3",
                "-o", o.toString()));
        assertEquals(0, run(concat(train, "--epochs", "1")), err());
        var c = org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("last.ckpt"));
        assertEquals("micro-f1", c.run().get("--select").orElseThrow(), "the default");
        assertTrue(out().contains("rule micro-F1 ") && out().contains("* best"), out());
        assertTrue(c.training().bestScore() > 0 && c.training().bestScore() <= 1, "a micro-F1: " + c.training().bestScore());

        // an older run: no --select recorded, its best score a validation loss
        var values = new java.util.LinkedHashMap<>(c.run().values());
        values.remove("--select");
        var t = c.training();
        double loss = org.marquee.app.train.EpochLog.parse(t.log()).rows().get(0).valLoss();
        var older = new org.marquee.engine.checkpoint.Checkpoint(c.model(), c.genres(), new org.marquee.engine.checkpoint.TrainingState(
                t.seed(), t.epoch(), t.step(), loss, t.bestEpoch(), t.staleEpochs(), t.log()), c.precision(), c.weights(), c.adamT(),
                c.adamM(), c.adamV(), new org.marquee.engine.checkpoint.RunSettings(values), c.extras());
        org.marquee.engine.checkpoint.CheckpointFile.write(older, o.resolve("last.ckpt"));
        org.marquee.engine.checkpoint.CheckpointFile.write(older, o.resolve("best.ckpt"));

        assertEquals(1, run(concat(train, "--epochs", "2", "--resume", "--select", "map")));
        assertTrue(err().contains("--select was loss, now map"), err());
        assertEquals(0, run(concat(train, "--epochs", "2", "--resume")), err());
        assertTrue(!out().contains("rule micro-F1") && !out().contains("chosen by"), "selects by loss, as the run did: " + out());
        var resumed = org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("last.ckpt"));
        assertEquals("loss", resumed.run().get("--select").orElseThrow());
        double bestLoss = org.marquee.app.train.EpochLog.parse(resumed.training().log()).rows().stream()
                .mapToDouble(r -> r.valLoss()).min().orElseThrow();
        assertEquals(bestLoss, resumed.training().bestScore(), 0.0, "the best score is still the lowest validation loss");
    }

    @Test
    void evaluateAndPredictUseTheMovingAverageUnlessAskedForTheRawWeights() throws IOException {
        Path o = dir.resolve("ema");
        String[] train = concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3",
                "-o", o.toString(), "--epochs", "1", "--ema", "0.9"));
        assertEquals(0, run(train), err());
        assertTrue(out().contains("moving average of the weights, decay 0.9") && out().contains("weights: the moving average of best.ckpt"),
                out());
        String ckpt = o.resolve("best.ckpt").toString();
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", ckpt))), err());
        String averaged = out();
        assertTrue(averaged.contains("weights: the exponential moving average (decay 0.9) the checkpoint holds"), averaged);
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", ckpt, "--raw-weights"))), err());
        String raw = out();
        assertTrue(raw.contains("weights: the trained ones (--raw-weights)"), raw);
        String lossOf = "test split: 8 posters, loss ";
        assertNotEquals(averaged.substring(averaged.indexOf(lossOf), averaged.indexOf(lossOf) + lossOf.length() + 6),
                raw.substring(raw.indexOf(lossOf), raw.indexOf(lossOf) + lossOf.length() + 6), "other weights, another loss");
        assertEquals(1, run(concat(new String[] {"train"}, concat(TINY, "-o", o.toString(), "--ema", "1"))));
        assertTrue(err().contains("--ema must be 0 (off) or a decay in (0, 1)"), err());
    }

    @Test
    void theClassWeightedLossIsRecordedAndKeptOnResume() throws IOException {
        assertEquals(1, run("train", "--pos-weight", "0.5", "--data", dir.resolve("nowhere").toString()));
        assertTrue(err().contains("--pos-weight must be from 1 (off) to 1000, not 0.5") && !err().contains("nowhere"), err());
        Path o = dir.resolve("weighted");
        String[] train = concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3",
                "-o", o.toString()));
        assertEquals(0, run(concat(train, "--epochs", "1", "--pos-weight", "10")), err());
        assertTrue(out().contains("positive posters weighted in the loss (cap 10.0): "), out());
        var c = org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("last.ckpt"));
        assertEquals("10.0", c.run().get("--pos-weight").orElseThrow());
        assertEquals(1, run(concat(train, "--epochs", "2", "--resume")));
        assertTrue(err().contains("--pos-weight was 10.0, now 1.0"), err());
        assertEquals(0, run(concat(train, "--epochs", "2", "--resume", "--pos-weight", "10")), err());
    }

    @Test
    void evaluateWithMirrorAveragingTunesItsRuleOnValidationSeenTheSameWay() throws IOException {
        Path o = dir.resolve("tta");
        assertEquals(0, run(concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3",
                "-o", o.toString(), "--epochs", "1", "--flip"))), err());
        String ckpt = o.resolve("best.ckpt").toString();
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", ckpt))), err());
        String single = out();
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", ckpt, "--tta", "flip"))), err());
        String mirrored = out();
        assertTrue(mirrored.contains("with --tta flip: decision rule tuned again on the validation split (8 posters)")
                && !mirrored.contains("decision rule from the checkpoint"), mirrored);
        String lossOf = "test split: 8 posters, loss ";
        assertNotEquals(single.substring(single.indexOf(lossOf), single.indexOf(lossOf) + lossOf.length() + 6),
                mirrored.substring(mirrored.indexOf(lossOf), mirrored.indexOf(lossOf) + lossOf.length() + 6), "two views, another loss");
        assertEquals(1, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", ckpt, "--tta", "crop"))));
        assertTrue(err().contains("--tta must be none or flip, not 'crop'"), err());
    }

    @Test
    void normalizedRunsRecordTheirStatisticsAndEvaluateWithThem() throws IOException {
        Path o = dir.resolve("norm");
        String[] train = concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3",
                "-o", o.toString(), "--normalize"));
        assertEquals(0, run(concat(train, "--epochs", "1")), err());
        assertTrue(out().contains("training: inputs normalized per channel, mean "), out());
        var c = org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("best.ckpt"));
        assertEquals("true", c.run().get("--normalize").orElseThrow());
        var n = org.marquee.app.train.InputNormalization.from(c).orElseThrow();
        assertEquals(0, run(concat(train, "--epochs", "2", "--resume")), err());
        assertEquals(n, org.marquee.app.train.InputNormalization.from(
                org.marquee.engine.checkpoint.CheckpointFile.read(o.resolve("last.ckpt"))).orElseThrow(), "kept, not recomputed, on resume");
        assertEquals(0, run(concat(new String[] {"evaluate"}, concat(TINY, "-c", o.resolve("best.ckpt").toString()))), err());
        assertTrue(out().contains("input normalization from the checkpoint: " + n.describe()), out());
        assertEquals(1, run(concat(concat(new String[] {"train"}, concat(TINY, "--image-size", "24", "--batch-size", "8", "--lr", "3e-3",
                "-o", o.toString())), "--epochs", "3", "--resume")));
        assertTrue(err().contains("--normalize was true, now false"), err());
    }

    @Test
    void badCheckpointIsAClearError() throws IOException {
        Path bad = dir.resolve("bad.ckpt");
        Files.writeString(bad, "definitely not a checkpoint");
        assertEquals(1, run("predict", "--backend", "reference", "-c", bad.toString(), "x.png"));
        assertTrue(err().contains("not a Marquee checkpoint"), err());
    }

    @Test
    void resumeWithoutACheckpointIsAClearError() {
        assertEquals(1, run(concat(concat(new String[] {"train"}, TINY), "--image-size", "24", "--resume", "-o", dir.toString())));
        assertTrue(err().contains("last.ckpt") && err().contains("no such file"), err());
    }

    @Test
    void explicitOpenClWhenUnavailableIsAClearError() {
        assumeFalse(BackendProvider.named("opencl").map(p -> p.probe().available()).orElse(false), "OpenCL is available here");
        assertEquals(1, run("train", "--backend", "opencl", "--synthetic", "40", "--image-size", "24", "-o", dir.toString()));
        assertTrue(err().contains("backend 'opencl' is not available here"), err());
    }

    @Test
    void summaryPrintsTheSeedModelTable() {
        assertEquals(0, run("summary"));
        assertTrue(out().contains("Total params: 11,172,443"), out());
    }

    @Test
    void devicesListsTheBackends() {
        assertEquals(0, run("devices"));
        assertTrue(out().contains("reference") && out().contains("cpu") && out().contains("OpenCL devices:"), out());
        String pick = out().substring(out().indexOf("--backend auto would pick:\n") + 27);
        assertTrue(pick.startsWith("  auto backend: ") && pick.contains("  passed over reference: "), out());
    }

    @Test
    void devicesTakesBatchSizeAsEveryOtherCommandDoesAndStillTheOldName() {
        assertEquals(1, run("devices", "--tune", "--batch-size", "0"));
        assertTrue(err().contains("--batch-size"), err());
        assertEquals(1, run("devices", "--tune", "--batch", "0"));
        assertTrue(err().contains("--batch-size"), err());
        assertEquals(0, run("devices", "--help"));
        assertTrue(out().contains("--batch-size") && !out().contains("--batch="), out());
    }

    @Test
    void tuneShowsTheMachinesCpuTuningAndMeasuresAgainWhenAsked() {
        assertEquals(0, run("tune"));
        assertTrue(out().contains("machine: ") && out().contains("cores | JDK"), out());
        assertTrue(out().contains("convRows") && out().contains("runsPerThread") && out().contains("kc"), out());
        String shown = out();
        assertEquals(0, run("tune", "--again", "--budget", "1"));
        assertTrue(out().contains("measuring the cpu backend's choices") && out().contains("chosen: "), out());
        assertTrue(out().contains("measured now, cached in "), out());
        assertEquals(0, run("tune"));
        assertTrue(out().contains("(cached in "), "shown from the cache after a measurement: " + out() + "\nbefore: " + shown);
        assertEquals(1, run("tune", "--again", "--budget", "0"));
        assertTrue(err().contains("--budget"), err());
    }

    @Test
    void devicesTuneExplainsThatTheCpuFamilyHasNothingToTune() {
        assumeTrue(BackendProvider.named("opencl").map(p -> p.probe().available()).orElse(false), "OpenCL unavailable");
        assertEquals(0, run("devices", "--tune", "--family", "cpu"));
        assertTrue(out().contains("nothing to tune"), out());
        assertEquals(1, run("devices", "--tune", "--family", "tpu"));
        assertTrue(err().contains("auto, cpu or gpu"), err());
    }

    @Test
    void devicesTuneTimesTheGpuVariantsOnThePosterShapes() throws IOException {
        assumeTrue(BackendProvider.named("opencl").map(p -> p.probe().available()).orElse(false), "OpenCL unavailable");
        // 40-pixel posters keep it short on a CPU device: conv1 38x38 outputs, dense1 K = 128 * 3 * 3
        assertEquals(0, run("devices", "--tune", "--family", "gpu", "--image-size", "40", "--batch-size", "4"));
        String text = out();
        // the convolutions over the whole batch of 4, as the GPU family's batched plan runs them
        for (String shape : List.of("conv1 fwd 32x5776x27", "conv1 dW 32x27x5776", "conv3 dx 576x144x128", "dense1 fwd 4x128x1152",
                "dense1 dx 4x1152x128", "dense2 dW 128x" + org.marquee.app.PosterModel.GENRES + "x4")) {
            assertTrue(text.contains(shape), shape + " in\n" + text);
        }
        assertTrue(text.contains("winner") && text.contains("v1 = "), text);
        String cache = text.substring(text.indexOf("cache: ") + 7).strip();
        String file = Files.readString(Path.of(cache));
        assertTrue(file.contains("nt:4x2048x128=") && file.contains("family=gpu"), file);
        assertEquals(1, run("devices", "--tune", "--family", "gpu", "--image-size", "8"));
        assertTrue(err().contains("--image-size must be at least 22"), err());
    }

    @Test
    void downloadListsEachFailedPosterAndFetchesTheOthers() throws IOException {
        BufferedImage img = new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        byte[] body = png.toByteArray();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            try (x) {
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path csv = dir.resolve("MovieGenre.csv");
            Files.writeString(csv, "imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n"
                    + "1,l,A (2001),7,Drama," + base + "/1.png\n"
                    + "2,l,B (2001),7,Drama,http://127.0.0.1:99999/x.jpg\n");
            Path posters = dir.resolve("posters");
            assertEquals(2, run("download", "--data", csv.toString(), "--posters", posters.toString(),
                    "--deadline", "10", "--min-rate", "0", "--max-megapixels", "1"), err());
            assertTrue(out().contains("fetched 1") && out().contains("failed 1"), out());
            assertTrue(out().contains("failed: 2 ") && out().contains("99999 out of range") && out().contains("http://127.0.0.1:99999/x.jpg"), out());
            assertTrue(Files.isRegularFile(posters.resolve("1.jpg")));

            assertTrue(run("download", "--data", csv.toString(), "--posters", posters.toString(), "--deadline", "0") != 0);
            assertTrue(err().contains("--deadline must be in (0, 86400] seconds, got 0.0"), err());
            assertEquals(0, run("download", "--help"));
            for (String o : List.of("--deadline", "--min-rate", "--max-megapixels")) {
                assertTrue(out().contains(o), o + " missing from:\n" + out());
            }
        } finally {
            server.stop(0);
        }
    }
}
