package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.app.train.EpochLog;
import org.marquee.app.train.EpochResult;

/** train with augmentation, a cosine schedule, weight decay and log-odds output biases, end to end on 24x24 synthetic posters. */
class TrainRecipeCommandTest extends CapturedConsole {
    static final String[] TINY = {"train", "--backend", "reference", "--synthetic", "40", "--image-size", "24", "--batch-size", "8",
            "--lr", "3e-3"};
    @TempDir Path dir;

    String train(Path output, String... more) {
        out.reset();
        err.reset();
        String[] args = MainTest.concat(MainTest.concat(TINY, "-o", output.toString()), more);
        assertEquals(0, Main.run(args), err());
        return out();
    }

    /** The "untrained" row of the table printed before training. */
    static String untrainedRow(String console) {
        return console.lines().filter(l -> l.startsWith("untrained")).findFirst().orElseThrow();
    }

    @Test
    void trainsWithTheRecipeAndSaysSo() throws IOException {
        Path o = dir.resolve("recipe");
        String console = train(o, "--epochs", "2", "--augment", "all", "--schedule", "cosine", "--warmup-epochs", "1",
                "--weight-decay", "0.01", "--bias-init", "log-odds");
        assertTrue(console.contains("training: augment crop, shift, color, flip; schedule cosine after 1 warm-up epoch(s);"
                + " weight decay 0.01 on kernels; output biases at the genres' log-odds"), console);
        assertTrue(console.lines().anyMatch(l -> l.strip().endsWith("mean AUC       mAP")), "mAP beside the other metrics:\n" + console);
        List<EpochResult> rows = EpochLog.parse(Files.readString(o.resolve("epochs.csv"))).rows();
        assertEquals(2, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.valMap() > 0 && r.valMap() <= 1), rows.toString());

        String plain = train(dir.resolve("plain"), "--epochs", "1");
        assertFalse(plain.contains("training: "), "nothing to say about a plain run:\n" + plain);
        assertNotEquals(untrainedRow(plain), untrainedRow(console), "log-odds biases change the untrained model's decisions");
    }
}
