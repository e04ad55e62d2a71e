package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    long now;
    final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    @Test
    void plainOutputPrintsAboutTenLinesWithRateAndEta() {
        ProgressLine p = new ProgressLine(out, false, () -> now);
        p.begin("epoch 1/2", 100);
        for (int step = 1; step <= 100; step++) {
            now += 100_000_000L;   // 0.1 s per step of 32 images
            p.update(step, step * 32L, 0.5);
        }
        p.end();
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(10, lines.length);
        assertFalse(buf.toString(StandardCharsets.UTF_8).contains("\r"));
        assertEquals("epoch 1/2  step 10/100  320.0 img/s  loss 0.5000  ETA 0:09", lines[0]);
        assertEquals("epoch 1/2  step 100/100  320.0 img/s  loss 0.5000  ETA 0:00", lines[9]);
    }

    @Test
    void terminalOutputRedrawsInPlaceAndThrottles() {
        ProgressLine p = new ProgressLine(out, true, () -> now);
        p.begin("epoch 1/1", 1000);
        for (int step = 1; step <= 1000; step++) {
            now += 1_000_000L;     // 1 ms per step: redraws every 250 steps
            p.update(step, step, 0.25);
        }
        p.end();
        String s = buf.toString(StandardCharsets.UTF_8);
        assertEquals(4, s.chars().filter(c -> c == '\r').count(), s);
        assertTrue(s.endsWith("ETA 0:00\n"), s);
    }

    @Test
    void formatsDurations() {
        assertEquals("0:05", ProgressLine.duration(4.6));
        assertEquals("2:05", ProgressLine.duration(125));
        assertEquals("1:02:03", ProgressLine.duration(3723));
    }
}
