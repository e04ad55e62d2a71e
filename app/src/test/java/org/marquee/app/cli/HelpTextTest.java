package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.marquee.app.Main;
import picocli.CommandLine;

/** The top-level help: picocli lists each command with the first line of its description as its summary. */
class HelpTextTest extends CapturedConsole {
    /** The "Commands:" section of {@code text}: each command with its summary, wrapped lines joined. */
    static Map<String, String> commandSummaries(String text) {
        List<String> lines = text.lines().toList();
        int start = lines.indexOf("Commands:");
        assertTrue(start >= 0, "no Commands: section in\n" + text);
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.isBlank()) break;
            if (line.startsWith("  ") && !line.startsWith("   ")) {   // "  name   summary", the name at column 2
                String[] parts = line.strip().split("\\s+", 2);
                current = parts[0];
                summaries.put(current, parts.length > 1 ? parts[1] : "");
            } else if (current != null) {                          // a wrapped continuation
                summaries.merge(current, " " + line.strip(), String::concat);
            }
        }
        return summaries;
    }

    @Test
    void everyCommandSummaryIsAWholeSentence() {
        assertEquals(0, Main.run("--help"));
        Map<String, String> summaries = commandSummaries(out());
        assertEquals(List.of("train", "evaluate", "predict", "export", "summary", "download", "devices", "tune", "explain", "gradcheck", "serve", "help"),
                new ArrayList<>(summaries.keySet()), out());
        summaries.forEach((name, summary) -> {
            assertFalse(summary.isEmpty(), name + " has no summary");
            assertTrue(Character.isUpperCase(summary.charAt(0)), name + ": '" + summary + "'");
            assertTrue(summary.endsWith(".") || summary.endsWith(")"), name + " ends mid-sentence: '" + summary + "'");
            assertFalse(summary.matches(".*\\([^)]*"), name + ": unbalanced bracket in '" + summary + "'");
        });
    }

    @Test
    void theFirstDescriptionLineOfEachCommandIsASentenceOnItsOwn() {
        // the summary is the first element of the description array, not the first line on screen
        CommandLine cli = CommandLines.create(new Main());
        cli.getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            assertTrue(description.length > 0, name);
            String first = description[0].strip();
            assertTrue(first.endsWith(".") || first.endsWith(")"), name + ": '" + first + "'");
        });
    }

    @Test
    void theParserFindsWrappedSummariesAndCutOnes() {
        String help = """
                Usage: marquee [COMMAND]
                Commands:
                  train      Trains the model and writes checkpoints, epochs.csv and PNG
                               reports to the output folder.
                  explain    Runs one poster through the model and prints, layer by
                               layer, the
                """;
        Map<String, String> s = commandSummaries(help);
        assertEquals("Trains the model and writes checkpoints, epochs.csv and PNG reports to the output folder.", s.get("train"));
        assertEquals("Runs one poster through the model and prints, layer by layer, the", s.get("explain"));
    }
}
