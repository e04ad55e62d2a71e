package org.marquee.app.teach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guide chapter (Markdown) and its marked figures. Two marks, both invisible once rendered:
 *
 * <pre>
 *   &lt;!-- figure: conv-example --&gt;     on the line before a fenced block: the block's text is the figure
 *   11,172,443&lt;!--=model.parameters--&gt;  right after a value in the prose: the value is the figure
 * </pre>
 * {@link #check} lists every mark whose text differs from what {@link GuideFigures} computes now, and
 * every link to project source that points at a missing file or a method the file does not contain.
 * {@link #main} with {@code --write} rewrites the marked text from the code instead.
 */
public final class GuideDocument {
    private static final Pattern BLOCK = Pattern.compile("^<!-- figure: ([a-z0-9.\\-]+) -->$");
    private static final Pattern INLINE = Pattern.compile("(\\S+?)<!--=([a-z0-9.\\-]+)-->");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)#\\s]+)\\)");
    private static final Pattern FILE_NAME = Pattern.compile("`?\\w+\\.(java|cl|md|xml)`?");
    private static final Pattern METHOD = Pattern.compile("`?(?:[A-Z]\\w*)?[.#](\\w+)(?:\\(\\))?`?|`?(\\w+)\\(\\)`?");

    private final Path file;
    private final List<String> lines;

    public GuideDocument(Path file) throws IOException {
        this.file = file;
        this.lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    public Path file() { return file; }

    /** Names of every figure marked in this chapter, in order. */
    public List<String> figureNames() {
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            Matcher b = BLOCK.matcher(line.strip());
            if (b.matches()) names.add(b.group(1));
            Matcher m = INLINE.matcher(line);
            while (m.find()) names.add(m.group(2));
        }
        return names;
    }

    /** One problem per line: "file:line: what is wrong"; empty when the chapter agrees with the code. */
    public List<String> check(Figures figures) {
        List<String> problems = new ArrayList<>();
        render(figures, problems);
        problems.addAll(checkLinks());
        return problems;
    }

    /** The chapter with every mark's text replaced by the figure's current value. */
    public String render(Figures figures, List<String> problems) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher b = BLOCK.matcher(line.strip());
            if (b.matches()) {
                out.append(line).append('\n');
                String name = b.group(1);
                if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
                    problems.add(where(i) + "figure " + name + " must be followed by a fenced block (```)");
                    continue;
                }
                int end = i + 2;
                while (end < lines.size() && !lines.get(end).startsWith("```")) end++;
                if (end >= lines.size()) {
                    problems.add(where(i) + "figure " + name + ": the fenced block is not closed");
                    continue;
                }
                String shown = String.join("\n", lines.subList(i + 2, end)).stripTrailing();
                out.append(lines.get(i + 1)).append('\n');
                if (!figures.has(name)) {
                    problems.add(where(i) + "unknown figure " + name);
                    out.append(shown).append('\n');
                } else {
                    String now = normalize(figures.get(name));
                    if (!normalize(shown).equals(now)) {
                        problems.add(where(i) + "figure " + name + " differs from the code.\n--- guide:\n" + shown + "\n--- code:\n" + now);
                    }
                    out.append(now).append('\n');
                }
                out.append(lines.get(end)).append('\n');
                i = end;
                continue;
            }
            Matcher m = INLINE.matcher(line);
            StringBuilder replaced = new StringBuilder();
            while (m.find()) {
                String name = m.group(2), shown = m.group(1);
                String now = shown;
                if (!figures.has(name)) {
                    problems.add(where(i) + "unknown figure " + name);
                } else {
                    now = figures.get(name).strip();
                    if (!shown.endsWith(now) || !shown.substring(0, shown.length() - now.length()).matches("[*_`(]*")) {
                        problems.add(where(i) + "figure " + name + " reads '" + shown + "' but the code gives '" + now + "'");
                        now = shown.replaceAll("[^*_`(]+$", "") + now;
                    } else {
                        now = shown;
                    }
                }
                m.appendReplacement(replaced, Matcher.quoteReplacement(now + "<!--=" + name + "-->"));
            }
            m.appendTail(replaced);
            out.append(replaced).append('\n');
        }
        return out.toString();
    }

    /** Links to project files must resolve; a link named like a method ("Conv2d.forward", "im2col()") must name one in the file. */
    public List<String> checkLinks() {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINK.matcher(lines.get(i));
            while (m.find()) {
                String text = m.group(1), target = m.group(2);
                if (target.contains("://") || target.startsWith("mailto:")) continue;
                Path resolved = file.toAbsolutePath().getParent().resolve(target).normalize();
                if (!Files.exists(resolved)) {
                    problems.add(where(i) + "link '" + text + "' points to a missing file " + target);
                    continue;
                }
                Matcher method = METHOD.matcher(text.strip());
                if (!method.matches() || Files.isDirectory(resolved) || FILE_NAME.matcher(text.strip()).matches()) continue;
                String name = method.group(1) != null ? method.group(1) : method.group(2);
                try {
                    String source = Files.readString(resolved, StandardCharsets.UTF_8);
                    if (!Pattern.compile("\\b" + Pattern.quote(name) + "\\s*\\(").matcher(source).find()) {
                        problems.add(where(i) + "link '" + text + "': " + target + " has no method " + name);
                    }
                } catch (IOException e) {
                    problems.add(where(i) + "cannot read " + target + ": " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /** Links from this chapter to source files under {@code src/main} (or OpenCL kernels). */
    public List<String> sourceLinks() {
        List<String> targets = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINK.matcher(line);
            while (m.find()) if (m.group(2).contains("/src/main/")) targets.add(m.group(2));
        }
        return targets;
    }

    private String where(int lineIndex) {
        return file.getFileName() + ":" + (lineIndex + 1) + ": ";
    }

    /** Trailing spaces of each line and blank lines at either end do not count. */
    private static String normalize(String text) {
        List<String> ls = new ArrayList<>(text.lines().map(String::stripTrailing).toList());
        while (!ls.isEmpty() && ls.get(0).isEmpty()) ls.remove(0);
        while (!ls.isEmpty() && ls.get(ls.size() - 1).isEmpty()) ls.remove(ls.size() - 1);
        return String.join("\n", ls);
    }

    /**
     * The guide's pages: every Markdown file in {@code docs} except {@code README-section.md}, the
     * page of {@code explain}, {@code gradcheck} and {@code serve} that the top-level README points
     * to (it shows real command output, timings included, dated where measured).
     */
    public static List<Path> chapters(Path docs) throws IOException {
        try (var files = Files.list(docs)) {
            return files.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("README-section.md"))
                    .sorted().toList();
        }
    }

    /** Finds {@code docs/} beside the project's pom.xml, walking up from the working directory. */
    public static Path findDocs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("app/pom.xml"))) return dir.resolve("docs");
        }
        throw new IllegalStateException("no docs/ folder beside app/ above " + Path.of("").toAbsolutePath());
    }

    /**
     * Checks the guide (exit code 1 and one line per problem when it differs from the code), or with
     * {@code --write} rewrites every marked figure from the code.
     */
    public static void main(String[] args) throws IOException {
        boolean write = args.length > 0 && args[0].equals("--write");
        Path docs = args.length > (write ? 1 : 0) ? Path.of(args[write ? 1 : 0]) : findDocs();
        GuideFigures figures = new GuideFigures();
        int problems = 0;
        for (Path chapter : chapters(docs)) {
            GuideDocument doc = new GuideDocument(chapter);
            List<String> found = new ArrayList<>();
            String text = doc.render(figures, found);
            if (write) {
                org.marquee.engine.io.AtomicFiles.writeString(chapter, text);
                System.out.println((found.isEmpty() ? "unchanged " : "rewrote   ") + chapter);
            } else {
                found.addAll(doc.checkLinks());
                found.forEach(System.out::println);
                problems += found.size();
            }
        }
        if (!write && problems > 0) System.exit(1);
    }
}
