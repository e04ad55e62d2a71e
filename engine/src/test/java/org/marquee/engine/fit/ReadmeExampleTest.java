package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of README.md's "Use it as a library" section, exactly as written there: its import
 * lines go above a class, the rest becomes the body of {@code main}; it is compiled against the
 * test class path, run, and must print a loss that fell and a reloaded model that scores the same.
 */
class ReadmeExampleTest {
    static final String SECTION = "## Use it as a library";

    /** The repository's root: the nearest folder up from the working directory with README.md and engine/. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("engine"))) return p;
        }
        throw new IllegalStateException("no README.md with an engine folder above " + Path.of("").toAbsolutePath());
    }

    /** The first ```java block after the section's heading. */
    static String example(String readme) {
        int section = readme.indexOf("\n" + SECTION + "\n");
        assertTrue(section >= 0, "README.md has no section \"" + SECTION + "\"");
        int start = readme.indexOf("```java\n", section);
        int next = readme.indexOf("\n## ", section + 1);
        assertTrue(start >= 0 && (next < 0 || start < next), "the section has no ```java block");
        int end = readme.indexOf("\n```", start + 8);
        return readme.substring(start + 8, end + 1);
    }

    @Test
    void theLibraryExampleCompilesRunsAndLearns(@TempDir Path dir) throws Exception {
        String code = example(Files.readString(repositoryRoot().resolve("README.md")));
        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        for (String line : code.split("\n", -1)) (line.startsWith("import ") ? imports : body).append(line).append('\n');
        long lines = body.toString().lines().filter(l -> !l.isBlank()).count();
        assertTrue(lines <= 22, "the example should stay short: " + lines + " lines");
        Path source = dir.resolve("ReadmeExample.java");
        Files.writeString(source, imports + "\npublic class ReadmeExample {\n    public static void main(String[] args) throws Exception {\n"
                + body + "    }\n}\n");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK is needed to compile the example");
        String classPath = System.getProperty("java.class.path") + File.pathSeparator
                + Path.of(Fit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-proc:none", "-Xlint:all", "-Werror", "-classpath", classPath,
                "-d", dir.toString(), source.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8) + "\n" + source
                + ":\n" + Files.readString(source));

        long started = System.currentTimeMillis();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("ReadmeExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
            deleteTemporaryWeights(started);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        original.print(out);

        List<String> epochs = new ArrayList<>(out.lines().filter(l -> l.startsWith("epoch ")).toList());
        assertEquals(30, epochs.size(), out);
        assertTrue(epochs.get(29).startsWith("epoch 30/30  train loss "), epochs.get(29));
        Matcher m = Pattern.compile("loss (\\d\\.\\d{3}) -> (\\d\\.\\d{3}), reloaded (\\d\\.\\d{3}), P\\(labels of example 0\\) = \\[(\\S+), (\\S+)]")
                .matcher(out);
        assertTrue(m.find(), out);
        double before = Double.parseDouble(m.group(1)), after = Double.parseDouble(m.group(2)), reloaded = Double.parseDouble(m.group(3));
        assertEquals(Math.log(2), before, 0.1, "an untrained model starts near ln 2 per label");
        assertTrue(after < before - 0.2, "the loss fell: " + before + " -> " + after);
        assertEquals(after, reloaded, 0.0015, "the reloaded copy scores as the model (float32 weights)");
        for (int g = 4; g <= 5; g++) {
            double p = Double.parseDouble(m.group(g));
            assertTrue(p > 0 && p < 1, "a probability: " + p);
        }
    }

    /** Removes the weights file the example made in the temporary folder. */
    private static void deleteTemporaryWeights(long since) throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("model") && name.endsWith(".weights") && Files.getLastModifiedTime(f).toMillis() >= since - 1000) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
