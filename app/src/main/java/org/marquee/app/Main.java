package org.marquee.app;

import java.io.PrintWriter;
import org.marquee.app.cli.DevicesCommand;
import org.marquee.app.cli.DownloadCommand;
import org.marquee.app.cli.EvaluateCommand;
import org.marquee.app.cli.PredictCommand;
import org.marquee.app.cli.SummaryCommand;
import org.marquee.app.cli.TrainCommand;
import org.marquee.app.teach.ExplainCommand;
import org.marquee.app.teach.GradcheckCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code marquee train | evaluate | predict | summary | devices}. With no
 * arguments it trains on the built-in synthetic posters, so {@code mvn exec:java} shows the whole
 * engine learning without any data download.
 */
@Command(name = "marquee", mixinStandardHelpOptions = true, version = "marquee 0.1.0",
        description = "Predicts a movie's genres from its poster with a convolutional network written from scratch.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                DownloadCommand.class, DevicesCommand.class, ExplainCommand.class, GradcheckCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Runs the command line and returns the exit code, without exiting. */
    public static int run(String... args) {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0) {
            System.out.println("No command given: a short training run on synthetic posters ('--help' lists the commands).");
            args = new String[] {"train"};
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("MARQUEE_DEBUG") != null) e.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) System.exit(code);   // success returns normally, so Maven's exec:java finishes cleanly
    }
}
