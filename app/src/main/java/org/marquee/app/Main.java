package org.marquee.app;

import java.io.IOException;
import java.nio.file.Path;
import org.marquee.app.cli.CommandLines;
import org.marquee.app.cli.DevicesCommand;
import org.marquee.app.cli.DownloadCommand;
import org.marquee.app.cli.TuneCommand;
import org.marquee.app.cli.EvaluateCommand;
import org.marquee.app.cli.ExportCommand;
import org.marquee.app.cli.PredictCommand;
import org.marquee.app.cli.ServeCommand;
import org.marquee.app.cli.SummaryCommand;
import org.marquee.app.cli.TrainCommand;
import org.marquee.app.teach.ExplainCommand;
import org.marquee.app.teach.GradcheckCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code marquee train | evaluate | predict | export | summary | devices | explain | gradcheck | serve}. With no
 * arguments it trains on the built-in synthetic posters, so {@code mvn exec:java} shows the whole
 * engine learning without any data download.
 */
@Command(name = "marquee", mixinStandardHelpOptions = true, version = "marquee 0.1.0",
        description = "Predicts a movie's genres from its poster with a convolutional network written from scratch.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, SummaryCommand.class,
                DownloadCommand.class, DevicesCommand.class, TuneCommand.class, ExplainCommand.class, GradcheckCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The demo's data and output folder, which its closing hints refer to. */
    static final int DEMO_POSTERS = 600;
    static final int DEMO_IMAGE_SIZE = 224;     // train's default --image-size
    static final long DEMO_SPLIT_SEED = 2017;   // the default --split-seed
    static final Path DEMO_OUTPUT = Path.of("runs", "demo");

    /**
     * What {@code mvn exec:java} runs with no arguments: the exact 224x224 poster model trained on
     * 600 synthetic posters for 3 epochs in batches of 8 (more steps per image than batch 32, which
     * matters at this budget), well under a minute on 2 cores with the cpu backend (the README
     * gives a measured run). It then prints the commands to evaluate, predict and explain with
     * the checkpoint it wrote ({@link DemoNextSteps}).
     */
    static final String[] DEMO = {"train", "--synthetic", Integer.toString(DEMO_POSTERS), "--epochs", "3", "--batch-size", "8",
            "--learning-rate", "1e-3", "--output", DEMO_OUTPUT.toString(), "--overwrite"};   // the demo's folder is its own: each demo replaces it

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Runs the command line and returns the exit code, without exiting. */
    public static int run(String... args) {
        System.setProperty("java.awt.headless", "true");
        boolean demo = args.length == 0;
        if (demo) {
            System.out.println("No command given: a short demo run, training the poster model on synthetic posters"
                    + " ('--help' lists the commands).");
            args = DEMO.clone();
        }
        int code = CommandLines.create(new Main()).execute(args);
        if (demo && code == 0) {
            try {
                DemoNextSteps.write(DEMO_POSTERS, DEMO_IMAGE_SIZE, DEMO_SPLIT_SEED, DEMO_OUTPUT, System.out);
            } catch (IOException | RuntimeException e) {
                System.err.println("error: could not write the demo's sample poster: " + e.getMessage());
            }
        }
        return code;
    }

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) System.exit(code);   // success returns normally, so Maven's exec:java finishes cleanly
    }
}
