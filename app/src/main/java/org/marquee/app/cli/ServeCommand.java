package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.marquee.app.LoadedModel;
import org.marquee.app.data.LoadedData;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.serve.PosterServer;
import org.marquee.app.serve.PosterService;
import org.marquee.app.train.RunFolder;
import org.marquee.dataset.PosterImages;
import org.marquee.engine.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a local web page that shows the poster model at work, and a training run live.",
                "A poster's genres, every layer's maps, one convolution value as its multiply-add, the saliency of the top genre;"
                        + " with --run, the run's curves, progress and first filters as train writes them.",
                "Listens on the loopback address only unless --bind says otherwise; Ctrl-C stops it."})
public final class ServeCommand implements Callable<Integer> {
    @Mixin BackendMixin backendOptions;
    @Mixin DataMixin dataOptions;

    @Option(names = "--test-posters", description = "offer the test split's posters, with their true genres: the data the checkpoint"
            + " was trained on, set up as it recorded for every data option not given here")
    boolean testPosters;

    @Option(names = {"-c", "--checkpoint"}, paramLabel = "FILE",
            description = "checkpoint to show (default: the run folder's best.ckpt with --run, else " + CheckpointLocator.DEFAULT_DESCRIPTION + ")")
    Path checkpoint;

    @Option(names = "--run", paramLabel = "DIR", description = "a run folder to show live as train writes it (epochs.csv, progress.json, last.ckpt)")
    Path run;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "port, 0 = any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only)")
    String bind;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "16", description = "largest poster upload (default: ${DEFAULT-VALUE})")
    int maxUploadMb;

    @Option(names = "--max-requests", paramLabel = "N", defaultValue = "4",
            description = "requests computing at once; more wait their turn (default: ${DEFAULT-VALUE})")
    int maxRequests;

    @Option(names = "--raw-weights", description = "use the trained weights even when the checkpoint holds their moving average")
    boolean rawWeights;

    /** Counted down to stop the server (tests); otherwise it serves until the process ends. */
    final CountDownLatch stop = new CountDownLatch(1);
    volatile PosterServer server;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        OptionRanges.check("--max-upload-mb", maxUploadMb, 1, 1024);
        OptionRanges.check("--max-requests", maxRequests, 1, 64);
        backendOptions.check();
        PosterServer.Options options = new PosterServer.Options(bind, port, (long) maxUploadMb << 20, maxRequests, 64, 16);
        if (run != null && !Files.isDirectory(run)) throw new IllegalArgumentException("--run " + run + " is not a folder");
        Path model = checkpoint;
        if (model == null && run != null) model = Files.isRegularFile(run.resolve(RunFolder.BEST)) ? run.resolve(RunFolder.BEST) : null;
        else if (model == null) model = CheckpointLocator.orLatest(null);
        if (testPosters && model == null) throw new IllegalArgumentException("--test-posters needs a checkpoint (-c)");
        dataOptions.check();
        PosterService service = model == null ? null : open(model, rawWeights, backendOptions, out);
        LoadedData data = null;
        if (testPosters) {
            try {
                String taken = dataOptions.adopt(org.marquee.engine.checkpoint.CheckpointFile.read(model).run());
                if (!taken.isEmpty()) out.println("data setup from " + model + ": " + taken);
                data = dataOptions.load(service.imageSize(), out);
                service.withTestSplit(data.test(), data.description());
                out.printf("test posters: %,d%n", data.test().size());
            } catch (java.io.IOException | RuntimeException e) {
                service.close();
                if (data != null) data.close();
                throw e;
            }
        }
        try (LoadedData d = data; PosterServer s = new PosterServer(options, service, model == null ? null : model.toString(), run)) {
            server = s;
            if (!s.address().getHost().equals("127.0.0.1") && !s.address().getHost().equals("[::1]")) {
                out.println("note: listening on " + bind + ": anyone who can reach this machine there can use the page");
            }
            out.println("serving " + (model == null ? "" : model + " ") + (run == null ? "" : "and the run in " + run + " ")
                    + "at " + s.address() + " (Ctrl-C stops)");
            out.flush();
            stop.await();
        }
        return 0;
    }

    /** The model behind the page: loaded once, with its input gradient (for the saliency map), and predict's decision rule. */
    static PosterService open(Path checkpoint, boolean rawWeights, BackendMixin backendOptions, PrintStream out) throws java.io.IOException {
        Backend backend = backendOptions.open(out);
        try {
            LoadedModel loaded = LoadedModel.open(checkpoint, backend, rawWeights, true);
            if (loaded.weightsLine() != null) out.println(loaded.weightsLine());
            List<String> names = loaded.checkpoint().genres();
            DecisionRule rule;
            String text;
            if (DecisionRule.from(loaded.checkpoint()).isPresent()) {
                rule = DecisionRule.from(loaded.checkpoint()).get();
                text = "the checkpoint's decision rule: " + rule.describe(names);
            } else {
                rule = PredictCommand.plain(names.size(), 0.5);
                text = "every genre at probability >= 0.50 (the plain rule; the checkpoint stores no decision rule)";
            }
            return new PosterService(loaded, rule, text, PosterImages.DEFAULT_MAX_PIXELS);
        } catch (java.io.IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }
}
