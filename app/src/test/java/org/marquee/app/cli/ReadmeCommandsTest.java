package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.marquee.app.teach.GuideDocument;

/**
 * README.md opens with the two commands a newcomer runs (the demo, then the tests), and the test
 * command is the one {@code .ci/run} takes from it; no document tells a fresh clone to build
 * offline or to read a folder outside the repository.
 */
class ReadmeCommandsTest {
    static final String DEMO = "mvn -B -q -pl app -am test-compile exec:java";
    /** What .ci/run does: sed -n 's/^    \(mvn .*verify.*\)$/\1/p' README.md | head -n 1. */
    static final Pattern CI_TEST_COMMAND = Pattern.compile("(?m)^    (mvn .*verify.*)$");

    static Path root() {
        return GuideDocument.findDocs().getParent();
    }

    /** The first indented line that looks like a command, and the one .ci/run would run. */
    static List<String> openingCommands(String readme) {
        List<String> commands = new ArrayList<>();
        for (String line : readme.lines().toList()) {
            if (line.startsWith("    ") && !line.isBlank() && !line.startsWith("     ")) commands.add(line.substring(4));
            if (commands.size() == 2) break;
        }
        return commands;
    }

    static String ciTestCommand(String readme) {
        Matcher m = CI_TEST_COMMAND.matcher(readme);
        return m.find() ? m.group(1) : null;
    }

    /** Whether a line runs Maven offline: -o or --offline among mvn's own arguments (before any -D or quote). */
    static boolean offlineMaven(String line) {
        Matcher m = Pattern.compile("\\bmvn\\s").matcher(line);
        while (m.find()) {
            for (String token : line.substring(m.end()).trim().split("\\s+")) {
                if (token.startsWith("-D") || token.contains("\"") || token.contains("`")) break;
                if (token.equals("-o") || token.equals("--offline")) return true;
            }
        }
        return false;
    }

    @Test
    void theReadmeOpensWithTheDemoAndTheTestCommandThatCiRuns() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        List<String> commands = openingCommands(readme);
        assertEquals(List.of(DEMO, "mvn -B verify"), commands, "README.md's first two commands");
        assertEquals("mvn -B verify", ciTestCommand(readme), "the test command .ci/run extracts from README.md");
        String ci = Files.readString(root().resolve(".ci/run"));
        assertTrue(ci.contains("sed -n 's/^    \\(mvn .*verify.*\\)$/\\1/p' README.md"),
                ".ci/run no longer reads the test command the way this test assumes");
        long before = readme.substring(0, readme.indexOf("    " + DEMO)).lines().count();
        assertTrue(before < 60, "the demo command should come within README's first 60 lines, not at line " + (before + 1));
    }

    @Test
    void theCheckFindsAMissingOrOfflineTestCommand() {
        assertEquals(null, ciTestCommand("Run the tests:\n\n    mvn -B test\n"));
        assertEquals("mvn -o -B verify", ciTestCommand("x\n    mvn -o -B verify\n"));
        assertEquals(List.of("a", "b"), openingCommands("text\n\n    a\n      continued\n    b\n    c\n"));
        assertTrue(offlineMaven("    mvn -B -o -q -pl app test"));
        assertTrue(offlineMaven("run `mvn --offline verify` first"));
        assertTrue(!offlineMaven("    mvn -B -q -pl spark -am compile -Dmarquee.args=\"train -o runs/spark\""));
        assertTrue(!offlineMaven("./marquee train -o runs/x"));
    }

    @Test
    void noDocumentBuildsOfflineOrPointsOutsideTheRepository() throws IOException {
        Path root = root();
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("app/USAGE.md")));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> problems = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (offlineMaven(line)) problems.add(root.relativize(doc) + ":" + (i + 1) + ": mvn -o (fails on a fresh machine)");
                if (line.contains("../shared/")) problems.add(root.relativize(doc) + ":" + (i + 1) + ": ../shared/ is not part of a clone");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
