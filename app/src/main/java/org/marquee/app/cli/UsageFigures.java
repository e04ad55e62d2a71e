package org.marquee.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.marquee.app.Main;
import org.marquee.app.teach.Figures;
import org.marquee.app.teach.GuideDocument;
import picocli.CommandLine;

/**
 * The command output app/USAGE.md shows that the code alone determines: {@code marquee --help},
 * each command's {@code --help} ({@code help.train}, ...) and the layer table {@code summary}
 * prints. USAGE.md marks each as {@link GuideDocument} does for the guide, and a test compares them;
 * {@link #main} with {@code --write} rewrites them.
 */
public final class UsageFigures implements Figures {
    /** The width picocli wraps help at when nothing sets another (no {@code picocli.usage.width}, no terminal detection). */
    static final int HELP_WIDTH = 80;

    private final Map<String, Supplier<String>> figures = new LinkedHashMap<>();
    private final Map<String, String> computed = new LinkedHashMap<>();

    public UsageFigures() {
        figures.put("help", () -> root().getUsageMessage(CommandLine.Help.Ansi.OFF));
        for (String name : commandNames()) {
            figures.put("help." + name, () -> root().getSubcommands().get(name).getUsageMessage(CommandLine.Help.Ansi.OFF));
        }
        figures.put("summary", () -> standardOutput("summary"));
    }

    /** The command line as {@code ./marquee} builds it, wrapping help at {@link #HELP_WIDTH} columns. */
    static CommandLine root() {
        CommandLine cli = CommandLines.create(new Main());
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(HELP_WIDTH);
        return cli;
    }

    /** Every command but {@code help}, in the order {@code marquee --help} lists them. */
    public static List<String> commandNames() {
        List<String> names = new ArrayList<>(root().getSubcommands().keySet());
        names.remove("help");
        return names;
    }

    /** Every figure's name. */
    public List<String> names() { return List.copyOf(figures.keySet()); }

    @Override
    public boolean has(String name) { return figures.containsKey(name); }

    @Override
    public synchronized String get(String name) {
        Supplier<String> f = figures.get(name);
        if (f == null) throw new IllegalArgumentException("no figure named '" + name + "'; known: " + figures.keySet());
        return computed.computeIfAbsent(name, n -> f.get());
    }

    /** What {@code marquee args} prints on standard output (it must succeed). */
    private static synchronized String standardOutput(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(saved);
        }
        if (code != 0) throw new IllegalStateException("marquee " + String.join(" ", args) + " exited with " + code);
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** app/USAGE.md, found beside docs/ above the working directory. */
    public static Path usageFile() {
        return GuideDocument.findDocs().getParent().resolve("app").resolve("USAGE.md");
    }

    /**
     * Checks app/USAGE.md (exit code 1 and one line per difference), or with {@code --write}
     * rewrites every marked figure in it from the code.
     */
    public static void main(String[] args) throws IOException {
        boolean write = args.length > 0 && args[0].equals("--write");
        Path file = usageFile();
        GuideDocument doc = new GuideDocument(file);
        List<String> problems = new ArrayList<>();
        String text = doc.render(new UsageFigures(), problems);
        if (write) {
            org.marquee.engine.io.AtomicFiles.writeString(file, text);
            System.out.println((problems.isEmpty() ? "unchanged " : "rewrote   ") + file);
            return;
        }
        problems.addAll(doc.checkLinks());
        problems.forEach(System.out::println);
        if (!problems.isEmpty()) System.exit(1);
    }
}
