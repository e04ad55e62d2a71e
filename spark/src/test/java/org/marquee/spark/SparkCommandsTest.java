package org.marquee.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;

/** {@code train --spark} and {@code evaluate --spark} from the command line, each starting its own local Spark. */
class SparkCommandsTest {
    @TempDir Path dir;

    private String run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setOut(saved);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }

    @Test
    void trainsAndEvaluatesOnLocalSpark() throws Exception {
        SparkJava.assumeSparkStarts();
        Path out = dir.resolve("run");
        String train = run("train", "--spark", "local[2]", "--synthetic", "80", "--image-size", "24", "--epochs", "2",
                "--batch-size", "8", "--flip", "-o", out.toString());
        assertTrue(train.contains("cluster: Spark 4.") && train.contains("2 shards per batch"), train);
        assertTrue(train.contains("epoch 2/2"), train);
        assertTrue(Files.isRegularFile(out.resolve("best.ckpt")) && Files.isRegularFile(out.resolve("epochs.csv")), train);
        String evaluate = run("evaluate", "--spark", "local[2]", "--shards", "3", "-c", out.resolve("best.ckpt").toString());
        assertTrue(evaluate.contains("3 shards per batch") && evaluate.contains("test split: 16 posters"), evaluate);
        // the same checkpoint scored on this machine: the same loss, to the printed digits
        String here = run("evaluate", "-c", out.resolve("best.ckpt").toString());
        assertEquals(lossLine(here), lossLine(evaluate));
    }

    @Test
    void aJavaThatSparkCannotStartOnIsRefusedWithWhatToDo() {
        SparkClusterProvider.checkJava(17);
        SparkClusterProvider.checkJava(21);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> SparkClusterProvider.checkJava(25));
        assertTrue(e.getMessage().contains("Java 25") && e.getMessage().contains("JDK 17 or 21"), e.getMessage());
    }

    @Test
    void aContextMarqueeStartsLogsWarningsOnlyUnlessItsConfigurationSaysOtherwise() {
        var quiet = SparkCluster.configure(new org.apache.spark.SparkConf(false), "local[2]");
        assertEquals("WARN", quiet.get("spark.log.level"));
        assertEquals("local[2]", quiet.get("spark.master"));
        var submitted = new org.apache.spark.SparkConf(false).set("spark.log.level", "INFO").setMaster("spark://host:7077");
        SparkCluster.configure(submitted, "local[2]");
        assertEquals("INFO", submitted.get("spark.log.level"));
        assertEquals("spark://host:7077", submitted.get("spark.master"));
    }

    private static String lossLine(String text) {
        return text.lines().filter(l -> l.startsWith("test split:")).findFirst().orElseThrow().replaceAll(", [0-9.]+ s$", "");
    }
}
