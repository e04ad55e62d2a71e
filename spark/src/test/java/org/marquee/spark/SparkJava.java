package org.marquee.spark;

import org.junit.jupiter.api.Assumptions;

/** The tests that start Spark run on the Javas it starts on (17 to 22) and are skipped, saying why, on newer ones. */
final class SparkJava {
    private SparkJava() {}

    static void assumeSparkStarts() {
        int feature = Runtime.version().feature();
        Assumptions.assumeTrue(feature <= SparkClusterProvider.NEWEST_JAVA,
                "Spark 4.0 does not start on Java " + feature + "; these tests run on JDK 17 or 21");
    }
}
