package org.marquee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's javadoc is complete: the javadoc tool with every doclint check ({@code -Xdoclint:all})
 * finds no problem in src/main/java, neither a missing comment, {@code @param} or {@code @return} on
 * a public or protected type or member, nor bad HTML or a broken reference. (The build's javadoc
 * run reports the same; this fails the build on it, which the javadoc plugin cannot do while
 * javadoc warns that the Vector API is an incubating module.)
 */
class JavadocTest {
    /** javadoc's warning that a module is incubating: true of jdk.incubator.vector, and no problem of the docs. */
    private static final String INCUBATING = "compiler.warn.incubating.modules";

    static List<String> problems(Path sources, Path output) throws IOException {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager fm = javadoc.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-Xdoclint:all", "-quiet", "--add-modules", "jdk.incubator.vector",
                    "-d", output.toString(), "-sourcepath", sources.toString(), "-Xmaxwarns", "10000", "-Xmaxerrs", "10000");
            javadoc.getTask(log, fm, diagnostics, null, options, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (INCUBATING.equals(d.getCode()) || d.getKind() == Diagnostic.Kind.NOTE) continue;
            String where = d.getSource() == null ? "" : sources.toAbsolutePath().relativize(Path.of(d.getSource().toUri())) + ":" + d.getLineNumber() + ": ";
            problems.add(where + d.getKind().name().toLowerCase(Locale.ROOT) + ": " + d.getMessage(Locale.ROOT));
        }
        return problems;
    }

    @Test
    void everyPublicTypeAndMemberOfTheEngineIsDocumented(@TempDir Path out) throws IOException {
        Path sources = Path.of("src", "main", "java");
        assertTrue(Files.isDirectory(sources.resolve("org/marquee/engine")), "run from the engine module: " + sources.toAbsolutePath());
        List<String> problems = problems(sources, out);
        assertTrue(problems.isEmpty(), problems.size() + " javadoc problem(s) in the engine:\n" + String.join("\n", problems));
    }

    @Test
    void theCheckFindsAMissingCommentAndAMissingReturn(@TempDir Path dir) throws IOException {
        Path sources = dir.resolve("src");
        Files.createDirectories(sources.resolve("p"));
        Files.writeString(sources.resolve("p/package-info.java"), "/** A package. */\npackage p;\n");
        Files.writeString(sources.resolve("p/A.java"), """
                package p;

                /** A class. */
                public final class A {
                    private A() {}

                    public static int undocumented() { return 1; }

                    /** Two. */
                    public static int withoutReturn() { return 2; }
                }
                """);
        List<String> problems = problems(sources, dir.resolve("out"));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.endsWith("A.java:7: warning: no comment")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.endsWith("A.java:10: warning: no @return")), problems.toString());
    }
}
