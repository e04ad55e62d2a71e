package org.marquee.app.teach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide in docs/ shows what the code computes now: every marked figure equals its value from
 * {@link GuideFigures}, every figure is shown, and every link to the code resolves.
 */
class GuideFiguresTest {
    private static GuideFigures figures;
    private static Path docs;

    @BeforeAll
    static void load() {
        figures = new GuideFigures();
        docs = GuideDocument.findDocs();
    }

    @Test
    void everyMarkedFigureMatchesTheCode() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path chapter : GuideDocument.chapters(docs)) problems.addAll(new GuideDocument(chapter).check(figures));
        assertTrue(problems.isEmpty(), () -> problems.size() + " difference(s) between docs/ and the code "
                + "(run GuideDocument --write to update the guide):\n" + String.join("\n", problems));
    }

    @Test
    void everyFigureIsShownAndTheGuideHasItsChapters() throws IOException {
        Set<String> shown = new HashSet<>();
        List<Path> chapters = GuideDocument.chapters(docs);
        for (Path chapter : chapters) shown.addAll(new GuideDocument(chapter).figureNames());
        Set<String> unused = new HashSet<>(figures.names());
        unused.removeAll(shown);
        assertTrue(unused.isEmpty(), "figures computed but not shown in the guide: " + unused);
        long numbered = chapters.stream().filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.md")).count();
        assertEquals(11, numbered, "one chapter per idea: " + chapters);
    }

    @Test
    void everyChapterPointsToTheCodeThatImplementsIt() throws IOException {
        for (Path chapter : GuideDocument.chapters(docs)) {
            if (!chapter.getFileName().toString().matches("\\d\\d-.*\\.md")) continue;
            List<String> links = new GuideDocument(chapter).sourceLinks();
            assertTrue(links.stream().anyMatch(l -> l.startsWith("../engine/src/main/") || l.startsWith("../opencl/src/main/")),
                    chapter + " links to engine or OpenCL code: " + links);
        }
    }

    @Test
    void theCheckerCatchesDriftAndRewritesIt(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("src/main");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Thing.java"), "final class Thing { void forward() {} }");
        Path chapter = dir.resolve("01-x.md");
        Files.writeString(chapter, String.join("\n",
                "The model has 11,172,444<!--=model.parameters--> parameters and ln 2 = 0.6931<!--=ln2-->.",
                "<!-- figure: conv-example-sum -->",
                "```text",
                "y[0][0] = 9",
                "```",
                "<!-- figure: no-such-figure -->",
                "```text",
                "```",
                "See [Thing.forward](src/main/Thing.java), [Thing.backward](src/main/Thing.java) and [Gone](src/main/Gone.java).",
                ""));
        GuideDocument doc = new GuideDocument(chapter);
        List<String> problems = doc.check(figures);
        assertEquals(5, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("model.parameters") && problems.get(0).contains("11,172,443"), problems.get(0));
        assertTrue(problems.get(1).contains("conv-example-sum differs"), problems.get(1));
        assertTrue(problems.get(2).contains("unknown figure no-such-figure"), problems.get(2));
        assertTrue(problems.get(3).contains("has no method backward"), problems.get(3));
        assertTrue(problems.get(4).contains("missing file src/main/Gone.java"), problems.get(4));

        String fixed = doc.render(figures, new ArrayList<>());
        assertTrue(fixed.contains("11,172,443<!--=model.parameters-->"), fixed);
        assertTrue(fixed.contains(figures.get("conv-example-sum").strip()), fixed);
    }

    // ------------------------------------------------ the figures are right, not only consistent

    @Test
    void theWorkedConvolutionEqualsTheDefinition() {
        double[] y = ConvExample.output();
        double[] direct = new double[4];
        double[] counts = new double[16];
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                double sum = ConvExample.BIAS;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        sum += ConvExample.KERNEL[i * 3 + j] * ConvExample.IMAGE[(oy + i) * 4 + ox + j];
                        counts[(oy + i) * 4 + ox + j]++;
                    }
                }
                direct[oy * 2 + ox] = sum;
            }
        }
        assertEquals(List.of(8.0, 6.0, 2.0, 7.0), List.of(y[0], y[1], y[2], y[3]));
        for (int p = 0; p < 4; p++) assertEquals(direct[p], y[p]);
        double[] reuse = ConvExample.reuseCounts();
        for (int p = 0; p < 16; p++) assertEquals(counts[p], reuse[p]);
        assertTrue(figures.get("conv-example-sum").strip().endsWith("= 8"));
    }

    @Test
    void poolingRoutesEachGradientToItsWindowsMaximum() {
        double[][] r = LayerExamples.pool();
        double[] x = LayerExamples.POOL_X, y = r[0], dx = r[2];
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                double max = Double.NEGATIVE_INFINITY;
                int at = -1;
                for (int k = 0; k < 4; k++) {
                    int i = (2 * oy + k / 2) * 4 + 2 * ox + k % 2;
                    if (x[i] > max) { max = x[i]; at = i; }
                }
                assertEquals(max, y[oy * 2 + ox]);
                assertEquals(LayerExamples.POOL_DY[oy * 2 + ox], dx[at]);
            }
        }
        assertEquals(100.0, java.util.Arrays.stream(dx).sum(), "every gradient lands once");
    }

    @Test
    void dropoutKeepsOneMinusRateAndPreservesTheMean() {
        double[] large = LayerExamples.dropoutLarge();
        assertEquals(1 - LayerExamples.DROPOUT_RATE, large[0], 0.003);
        assertEquals(1.0, large[1], 0.004);
    }

    @Test
    void theFusedLossAgreesWhereTheNaiveOneWorksAndStaysFiniteElsewhere() {
        org.marquee.engine.reference.ReferenceBackend ref = new org.marquee.engine.reference.ReferenceBackend();
        for (double[] row : LayerExamples.BCE_ROWS) {
            var z = ref.allocate(1); ref.upload(z, new double[] {row[0]});
            var t = ref.allocate(1); ref.upload(t, new double[] {row[1]});
            double fused = ref.sigmoidCrossEntropy(z, t, ref.allocate(1));
            double naive = LayerExamples.naiveCrossEntropy(row[0], row[1]);
            assertTrue(Double.isFinite(fused) && fused >= 0, "fused loss at z=" + row[0]);
            if (Math.abs(row[0]) < 30) assertEquals(naive, fused, 1e-12);
            else if (row[1] == 0) assertEquals(row[0] > 0 ? row[0] : 0, fused, 1e-9);
        }
    }

    @Test
    void adamsFirstStepsAreTheLearningRateWhateverTheGradientsSize() {
        String[] lines = figures.get("adam-example").strip().split("\n");
        for (int t = 1; t <= 3; t++) {
            String[] f = lines[1 + t].trim().split("\\s+");
            assertEquals(1 - 0.01 * t, Double.parseDouble(f[2]), 1e-6);
            assertEquals(1 - 0.01 * t, Double.parseDouble(f[3]), 1e-6);
            assertTrue(Double.parseDouble(f[1]) > 1 - 0.01 * t, "epsilon slows the tiny gradient");
        }
    }

    @Test
    void theUntrainedModelStartsNearLn2AndHasTheKerasParameterCount() {
        assertEquals("11,172,443", figures.get("model.parameters"));
        assertEquals(Math.log(2), Double.parseDouble(figures.get("init.loss")), 0.01);
        assertTrue(Double.parseDouble(figures.get("init.max-logit")) < 0.5);
        assertTrue(figures.get("gemm-table").contains("944.0"), "forward work per poster, as measured in MFLOP elsewhere");
        assertTrue(figures.get("backward-table").lines().anyMatch(l -> l.startsWith("conv2d_1") && l.contains("nothing")));
    }
}
