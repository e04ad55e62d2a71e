package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.DemoNextSteps;
import org.marquee.app.Main;

/** The commands the demo prints at its end run as printed, on a small run made the demo's way. */
class DemoNextStepsTest extends CapturedConsole {
    @TempDir Path dir;

    @Test
    void thePrintedCommandsRunOnTheRunsCheckpointAndPoster() throws IOException {
        Path run = dir.resolve("demo");
        assertEquals(0, Main.run("train", "--backend", "reference", "--synthetic", "40", "--image-size", "24", "--epochs", "1",
                "--batch-size", "8", "-o", run.toString()), err());

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        DemoNextSteps.write(40, 24, 2017, run, new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        BufferedImage poster = ImageIO.read(run.resolve("poster.png").toFile());
        assertEquals(24, poster.getWidth(), printed);
        assertTrue(printed.contains(run.resolve("poster.png") + " is one of the demo's test posters (genres "), printed);

        Matcher m = Pattern.compile("    \\./marquee (.+)").matcher(printed);
        List<String> commands = new ArrayList<>();
        while (m.find()) commands.add(m.group(1));
        assertEquals(DemoNextSteps.commands(run), commands, printed);
        assertEquals(List.of("evaluate", "predict", "explain"), commands.stream().map(c -> c.split(" ")[0]).toList());

        List<String> expected = List.of("test split: 8 posters", run.resolve("poster.png") + ": ", "top 5 genres:");
        for (int i = 0; i < commands.size(); i++) {
            List<String> args = new ArrayList<>(Arrays.asList(commands.get(i).split(" ")));
            args.addAll(List.of("--backend", "reference"));
            if (args.get(0).equals("explain")) args.addAll(List.of("--no-images"));
            out.reset();
            assertEquals(0, Main.run(args.toArray(String[]::new)), commands.get(i) + ": " + err());
            assertTrue(out().contains(expected.get(i)), commands.get(i) + " printed:\n" + out());
        }
    }
}
