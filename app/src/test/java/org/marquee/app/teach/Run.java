package org.marquee.app.teach;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.marquee.app.cli.CommandLines;
import picocli.CommandLine;

/** A command run through picocli with its output and error text captured. */
record Run(int exitCode, String out, String err) {
    static Run of(Object command, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = CommandLines.create(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
