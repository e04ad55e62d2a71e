package org.marquee.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two or more builds of the project timed in one JVM, step for step: each benchmarks jar is loaded
 * by a class loader of its own, so each build's code is compiled on its own, and their
 * {@link ModelBenchmark} steps alternate (ABBA order), so a change of the machine's speed during
 * the run (other tenants, the clock) falls on all of them alike. Prints each build's median and the
 * median of its per-round ratio to the first build: on a noisy machine the ratio is the figure to
 * read. Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
 * org.marquee.bench.BuildsSideBySide ROUNDS forward|trainingStep OLD.jar NEW.jar [...]}.
 */
public final class BuildsSideBySide {
    private BuildsSideBySide() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: BuildsSideBySide ROUNDS forward|trainingStep OLD.jar NEW.jar [MORE.jar ...]");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        String what = args[1];
        int n = args.length - 2;
        Object[] benchmarks = new Object[n];
        Method[] op = new Method[n];
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        for (int i = 0; i < n; i++) {
            URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(args[i + 2]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> c = loader.loadClass(ModelBenchmark.class.getName());
            Object b = c.getDeclaredConstructor().newInstance();
            c.getField("backendName").set(b, "cpu");
            c.getField("batch").setInt(b, 32);
            c.getField("threads").setInt(b, 0);
            Thread.currentThread().setContextClassLoader(loader);   // the backends are found through ServiceLoader
            try {
                c.getMethod("setUp").invoke(b);
            } finally {
                Thread.currentThread().setContextClassLoader(original);
            }
            benchmarks[i] = b;
            op[i] = c.getMethod(what);
        }
        for (int w = 0; w < 3; w++) {
            for (int i = 0; i < n; i++) op[i].invoke(benchmarks[i]);
        }
        double[][] ms = new double[n][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                int i = r % 2 == 0 ? k : n - 1 - k;
                long t0 = System.nanoTime();
                op[i].invoke(benchmarks[i]);
                ms[i][r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        for (int i = 0; i < n; i++) {
            double[] sorted = ms[i].clone();
            Arrays.sort(sorted);
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) ratio[r] = ms[i][r] / ms[0][r];
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "%-32s %s median %.1f ms (min %.1f, max %.1f), ratio to the first: median %.3f%n",
                    Path.of(args[i + 2]).getFileName(), what, sorted[rounds / 2], sorted[0], sorted[rounds - 1], ratio[rounds / 2]);
        }
    }
}
