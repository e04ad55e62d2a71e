package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.train.ModelState;
import org.marquee.dataset.SyntheticPosters;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** {@code marquee serve}: loads the checkpoint once, prints its address, serves until stopped; bad options are refused first. */
class ServeCommandTest extends CapturedConsole {
    @TempDir Path dir;

    @Test
    void servesTheCheckpointOnLoopbackUntilStopped() throws Exception {
        Path ckpt = dir.resolve("m.ckpt");
        try (ReferenceBackend b = new ReferenceBackend(); Sequential model = PosterModel.build(b, 3, 24, 24, 27)) {
            CheckpointFile.write(ModelState.snapshot(model, null, SyntheticPosters.GENRES, TrainingState.initial(3)), ckpt);
        }
        ServeCommand command = new ServeCommand();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> CommandLines.create(command)
                .execute("-c", ckpt.toString(), "--backend", "cpu", "--port", "0", "--run", dir.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (command.server == null && !code.isDone() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(command.server != null, "the server started: " + err());
        URI address = command.server.address();
        assertEquals("127.0.0.1", address.getHost());
        HttpResponse<String> model = HttpClient.newHttpClient().send(HttpRequest.newBuilder(address.resolve("/api/model")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, model.statusCode());
        assertTrue(model.body().contains("\"live\":true,\"model\":true"), model.body());
        command.stop.countDown();
        assertEquals(0, code.get(30, TimeUnit.SECONDS));
        assertTrue(out().contains("serving " + ckpt + " and the run in " + dir + " at " + address), out());
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsLoaded() {
        for (List<String> args : List.of(List.of("--max-requests", "0"), List.of("--max-upload-mb", "0"), List.of("--port", "70000"),
                List.of("--run", dir.resolve("missing").toString()))) {
            String[] all = new String[args.size() + 3];
            all[0] = "serve";
            all[1] = "-c";
            all[2] = dir.resolve("none.ckpt").toString();
            for (int i = 0; i < args.size(); i++) all[i + 3] = args.get(i);
            assertEquals(1, Main.run(all), String.join(" ", args));
            assertTrue(err().contains(args.get(0)), err());
        }
    }

    @Test
    void offersTheTestPostersOfTheCheckpointsDataWithTheirTrueGenres() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, Main.run("train", "--backend", "reference", "--synthetic", "40", "--split-seed", "5", "--image-size", "24",
                "--batch-size", "8", "--epochs", "1", "-o", run.toString()), err());
        Path ckpt = run.resolve("best.ckpt");
        ServeCommand command = new ServeCommand();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> CommandLines.create(command)
                .execute("-c", ckpt.toString(), "--backend", "cpu", "--port", "0", "--test-posters"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (command.server == null && !code.isDone() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(command.server != null, "the server started: " + err());
        HttpClient http = HttpClient.newHttpClient();
        String tests = http.send(HttpRequest.newBuilder(command.server.address().resolve("/api/tests")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(tests.contains("\"count\":8,"), tests);
        HttpResponse<String> one = http.send(HttpRequest.newBuilder(command.server.address().resolve("/api/test?index=7")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, one.statusCode(), one.body());
        assertTrue(one.body().contains("\"truth\":[\""), one.body());
        assertEquals(400, http.send(HttpRequest.newBuilder(command.server.address().resolve("/api/test?index=8")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        command.stop.countDown();
        assertEquals(0, code.get(30, TimeUnit.SECONDS));
        assertTrue(out().contains("data setup from " + ckpt + ": synthetic posters --synthetic 40 --split-seed 5"), out());
        assertTrue(out().contains("test posters: 8"), out());
    }

    @Test
    void trainServeShowsTheRunOnAPageAndWritesItsProgress() throws Exception {
        Path run = dir.resolve("live");
        assertEquals(0, Main.run("train", "--backend", "reference", "--synthetic", "40", "--image-size", "24", "--batch-size", "8",
                "--epochs", "1", "--serve", "0", "-o", run.toString()), err());
        assertTrue(out().contains("live page: http://127.0.0.1:") && out().contains("marquee serve --run " + run), out());
        String progress = java.nio.file.Files.readString(run.resolve("progress.json"));
        assertTrue(progress.startsWith("{\"epoch\": 1, \"epochs\": 1, \"step\": 3, \"steps\": 3,") && progress.contains("\"epochLr\": [5.0E-4]"),
                progress);
        assertEquals(1, Main.run("train", "--synthetic", "40", "--serve", "65536", "-o", run.toString()));
        assertTrue(err().contains("--serve"), err());
    }
}
