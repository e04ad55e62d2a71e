package org.marquee.app.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A picocli command line for the {@code marquee} command or one command on its own, reporting a
 * failure as one "error: ..." line (the stack trace too when MARQUEE_DEBUG is set) instead of a stack trace.
 */
public final class CommandLines {
    private CommandLines() {}

    public static CommandLine create(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("error: " + org.marquee.engine.io.AtomicFiles.message(e));
            if (System.getenv("MARQUEE_DEBUG") != null) e.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cli;
    }

    /** Runs {@code command} with {@code args} and exits with its exit code. */
    public static void main(Object command, String... args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(create(command).execute(args));
    }
}
