package org.marquee.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.marquee.app.data.DataLoader;
import org.marquee.app.data.LoadedData;
import org.marquee.app.report.PosterPng;

/**
 * What the demo prints when it has finished: a test poster of the demo's own synthetic data saved
 * as {@code poster.png} beside the checkpoint, and the exact commands that evaluate the checkpoint,
 * predict that poster's genres and explain the model on it.
 */
public final class DemoNextSteps {
    /** How every command runs from the repository root: the launcher (it builds its jar on first use). */
    static final String LAUNCH = "./marquee ";
    public static final String POSTER = "poster.png";

    private DemoNextSteps() {}

    /**
     * The command lines that continue from a run: evaluate needs no data options, as it takes the
     * data setup (here the synthetic posters and their split) that the checkpoint recorded.
     */
    public static List<String> commands(Path output) {
        String checkpoint = output.resolve("best.ckpt").toString();
        String poster = output.resolve(POSTER).toString();
        return List.of("evaluate -c " + checkpoint,
                "predict -c " + checkpoint + " " + poster,
                "explain --checkpoint " + checkpoint + " --poster " + poster);
    }

    /**
     * Writes the first test poster of the run's data ({@code synthetic} posters of {@code imageSize}
     * pixels, split with {@code splitSeed}) to {@code output/poster.png} and prints the commands.
     */
    public static void write(int synthetic, int imageSize, long splitSeed, Path output, PrintStream out) throws IOException {
        List<String> genres = new ArrayList<>();
        try (LoadedData data = new DataLoader(new PrintStream(PrintStream.nullOutputStream())).synthetic(synthetic, imageSize, splitSeed)) {
            float[] pixels = new float[data.test().pixelsPerImage()];
            float[] labels = new float[data.genres().size()];
            data.test().fillBatch(new int[] {0}, pixels, labels);
            PosterPng.write(pixels, imageSize, output.resolve(POSTER));
            for (int j = 0; j < labels.length; j++) if (labels[j] > 0.5f) genres.add(data.genres().get(j));
        }
        out.println();
        out.println("Next, from the same folder: " + output.resolve(POSTER) + " is one of the demo's test posters (genres "
                + String.join(", ", genres) + ").");
        List<String> what = List.of("score the checkpoint on the demo's test split:", "predict that poster's genres:",
                "explain the trained model layer by layer on it:");
        List<String> commands = commands(output);
        for (int i = 0; i < commands.size(); i++) {
            out.println("  " + what.get(i));
            out.println("    " + LAUNCH + commands.get(i));
        }
    }
}
