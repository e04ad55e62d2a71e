package org.marquee.app.teach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GradcheckCommandTest {

    /** The table's entry rows: tensor, index, analytic, numeric, rel.error, verdict. */
    private static List<String[]> rows(String out) {
        return out.lines().map(String::trim).map(l -> l.split("\\s+"))
                .filter(f -> f.length == 6 && f[1].matches("\\d+") && (f[5].equals("ok") || f[5].equals("FAIL")))
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv", "dense", "pool", "dropout", "relu", "cnn"})
    void everyTargetPasses(String target) {
        Run r = Run.of(new GradcheckCommand(), target);
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("gradcheck " + target + ": "), r.out());
        assertTrue(r.out().strip().endsWith("PASS"), r.out());
        List<String[]> rows = rows(r.out());
        assertTrue(rows.size() >= 4, r.out());
        for (String[] row : rows) {
            double analytic = Double.parseDouble(row[2]), numeric = Double.parseDouble(row[3]), rel = Double.parseDouble(row[4]);
            assertEquals(analytic, numeric, 1e-6 * Math.max(1, Math.abs(analytic)), String.join(" ", row));
            assertTrue(rel < 1e-5 || Math.abs(analytic - numeric) < 1e-8, String.join(" ", row));
        }
        assertTrue(rows.stream().anyMatch(row -> row[0].equals("input")), "input gradient checked: " + r.out());
    }

    @Test
    void theCnnChecksEveryParameterTensor() {
        Run r = Run.of(new GradcheckCommand(), "cnn", "--entries", "2");
        assertEquals(0, r.exitCode(), r.out());
        for (String tensor : new String[] {"conv2d_1/kernel", "conv2d_3/bias", "dense_1/kernel", "dense_2/bias"}) {
            assertTrue(rows(r.out()).stream().anyMatch(row -> row[0].equals(tensor)), tensor + " in\n" + r.out());
        }
    }

    @Test
    void allEntriesWhenAskedAndConvGeometryOptions() {
        Run relu = Run.of(new GradcheckCommand(), "relu", "--entries", "0");
        assertEquals(10, rows(relu.out()).size(), relu.out());   // 10 inputs, no parameters
        Run conv = Run.of(new GradcheckCommand(), "conv", "--stride", "2", "--pad", "1", "--entries", "0");
        assertEquals(0, conv.exitCode(), conv.out());
        assertTrue(conv.out().contains("stride 2, padding 1"), conv.out());
        // input 2*5*6 + kernel 3*2*3*3 + bias 3
        assertEquals(60 + 54 + 3, rows(conv.out()).size(), conv.out());
    }

    @Test
    void aCorruptedGradientFails() {
        Run r = Run.of(new GradcheckCommand(), "dense", "--corrupt");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().strip().endsWith("FAIL"), r.out());
        List<String[]> failed = rows(r.out()).stream().filter(row -> row[5].equals("FAIL")).toList();
        assertTrue(!failed.isEmpty() && failed.stream().allMatch(row -> row[0].equals("dense_1/kernel")), r.out());
        for (String[] row : failed) assertEquals(0.01 / 2.01, Double.parseDouble(row[4]), 1e-6, String.join(" ", row));
    }

    @Test
    void bothAreSubcommandsOfMarquee() {
        assertEquals(0, org.marquee.app.Main.run("gradcheck", "relu"));
        picocli.CommandLine cli = new picocli.CommandLine(new org.marquee.app.Main());
        assertTrue(cli.getSubcommands().containsKey("explain") && cli.getSubcommands().containsKey("gradcheck"));
    }

    @Test
    void unknownTargetIsAUsageError() {
        Run r = Run.of(new GradcheckCommand(), "lstm");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown target 'lstm'"), r.err());
    }
}
