package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void lineShowsCountPercentRateAndEta() {
        Progress p = Progress.silent("posters", 200);
        String line = p.line(50, 10.0);
        assertTrue(line.startsWith("posters  50 / 200   25%  5.0/s  eta 0m30s"), line);
    }

    @Test
    void terminalModeRewritesOneLinePlainModePrintsLines() {
        ByteArrayOutputStream term = new ByteArrayOutputStream();
        Progress t = new Progress("x", 3, new PrintStream(term, true, StandardCharsets.UTF_8), true, 0);
        t.step();
        t.step();
        t.step();
        t.done();
        String s = term.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\rx  1 / 3"), s);
        assertTrue(s.contains("\rx  3 / 3  100%"), s);
        assertEquals(1, s.split(System.lineSeparator(), -1).length - 1, s);

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        Progress l = new Progress("y", 2, new PrintStream(plain, true, StandardCharsets.UTF_8), false, 0);
        l.step();
        l.step();
        l.done();
        String text = plain.toString(StandardCharsets.UTF_8);
        assertTrue(!text.contains("\r") && text.lines().count() >= 2, text);
        assertTrue(text.lines().reduce((a, b) -> b).orElseThrow().startsWith("y  2 / 2  100%"), text);
    }
}
