package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.teach.GuideDocument;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * app/USAGE.md describes every option of every command, shows each command's --help as the code
 * prints it now, and every help text formats cleanly.
 */
class UsageDocTest {
    /** Every command's options, hidden ones and the standard --help / --version aside. */
    private static List<String[]> options() {
        List<String[]> all = new ArrayList<>();
        CommandLine root = UsageFigures.root();
        for (String name : UsageFigures.commandNames()) {
            for (OptionSpec o : root.getSubcommands().get(name).getCommandSpec().options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp()) continue;
                all.add(new String[] {name, o.longestName()});
            }
        }
        return all;
    }

    @Test
    void usageNamesEveryOptionOfEveryCommand() throws IOException {
        String usage = Files.readString(UsageFigures.usageFile());
        List<String> missing = new ArrayList<>();
        for (String[] o : options()) {
            if (!usage.contains("`" + o[1] + "`") && !usage.contains("`" + o[1] + " ") && !usage.contains("`" + o[1] + "/")) {
                missing.add(o[0] + " " + o[1]);
            }
        }
        assertTrue(missing.isEmpty(), "options USAGE.md does not describe (in backquotes): " + missing);
        assertTrue(options().size() > 60, "the commands' options were found: " + options().size());
    }

    @Test
    void usageShowsEachCommandsHelpAsTheCodePrintsIt() throws IOException {
        GuideDocument doc = new GuideDocument(UsageFigures.usageFile());
        UsageFigures figures = new UsageFigures();
        assertTrue(doc.figureNames().containsAll(figures.names()), "USAGE.md shows " + doc.figureNames() + ", not all of "
                + figures.names());
        List<String> problems = doc.check(figures);
        assertTrue(problems.isEmpty(), () -> problems.size() + " difference(s) between app/USAGE.md and the code (rewrite it with"
                + " mvn -B -q -pl app -am test-compile exec:java -Dmarquee.main=org.marquee.app.cli.UsageFigures -Dexec.args=--write):\n"
                + String.join("\n", problems));
    }

    @Test
    void theCheckCatchesAnOutdatedHelpText(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("USAGE.md");
        String help = new UsageFigures().get("help.explain");
        Files.writeString(file, "<!-- figure: help.explain -->\n```text\n" + help.replace("--no-images", "--no-pictures") + "```\n");
        List<String> problems = new GuideDocument(file).check(new UsageFigures());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("figure help.explain differs from the code"), problems.get(0));
    }

    /** picocli formats each description with String.format: a bare % (as in "1%") prints "[picocli WARN] Could not format" instead. */
    @Test
    void everyHelpTextFormatsWithoutAWarning() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            CommandLine root = UsageFigures.root();
            root.getUsageMessage(CommandLine.Help.Ansi.OFF);
            root.getSubcommands().values().forEach(c -> c.getUsageMessage(CommandLine.Help.Ansi.OFF));
        } finally {
            System.setErr(saved);
        }
        String warnings = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(warnings.isEmpty(), warnings);
    }
}
