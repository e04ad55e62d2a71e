package org.marquee.app.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Without the spark module on the class path (as in the app's own tests and its launcher jar), --spark says what to do. */
class ClustersTest {
    @Test
    void withoutASparkModuleConnectingSaysHowToRunIt() {
        var e = assertThrows(IllegalStateException.class,
                () -> Clusters.connect("local[2]", 0, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("--spark needs the spark module") && e.getMessage().contains("-Dmarquee.args")
                && e.getMessage().contains("marquee-spark.jar"), e.getMessage());
    }

    @Test
    void aDataRequestRejectsImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> new DataRequest(null, null, -1, 100, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new DataRequest(null, null, 0, 4, 1, false));
        assertTrue(new DataRequest("data/MovieGenre.csv", null, 0, 100, 1, false).real());
    }
}
