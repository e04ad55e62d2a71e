package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.marquee.app.backend.CommandLineSettings;
import org.marquee.engine.cpu.CpuProvider;
import org.marquee.engine.cpu.CpuTuner;
import org.marquee.engine.cpu.CpuTuning;
import org.marquee.engine.cpu.ProcessorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Shows the cpu backend's tuning for this machine (processor, cores, JDK, vector width) and where it came from;"
                + " with --again, measures it anew and rewrites the cache.",
                "The cpu backend measures its choices once, at first use, and caches them; every choice gives the same numbers,"
                        + " only the speed differs."})
public final class TuneCommand implements Callable<Integer> {
    @Option(names = "--again", description = "measure again and rewrite the cache (a run of at most --budget seconds)")
    boolean again;

    @Option(names = "--budget", paramLabel = "SECONDS", defaultValue = "30",
            description = "with --again: the longest the measurement may take (default: ${DEFAULT-VALUE})")
    int budget;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "worker threads to measure with; 0 = all processors (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        OptionRanges.check("--budget", budget, 1, 600);
        OptionRanges.check("--threads", threads, 0, 4096);
        PrintStream out = System.out;
        ProcessorInfo cpu = ProcessorInfo.current();
        java.util.Properties settings = CommandLineSettings.currentAsProperties();
        Path dir = CpuProvider.tuningDir(settings);
        out.println("machine: " + cpu.key());
        out.println("caches: L1d " + kib(cpu.l1dBytes()) + ", L2 " + kib(cpu.l2Bytes()) + " per core");
        CpuTuner.Outcome outcome;
        if (again) {
            Path file = CpuTuner.cacheFile(dir, cpu);
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("could not remove the old tuning " + file + ": " + e.getMessage(), e);
            }
            outcome = CpuTuner.cachedOrTuned(dir, cpu, threads, Duration.ofSeconds(budget), out::println);
        } else {
            outcome = CpuProvider.machineTuning(settings, threads);
        }
        out.println("tuning (" + outcome.source() + "):");
        outcome.tuning().asMap().forEach((k, v) -> out.printf("  %-14s %s%n", k, v));
        out.println("without a measurement (from the cache sizes): " + CpuTuning.forProcessor(cpu));
        out.println("override any choice with -Dmarquee.cpu.NAME=VALUE (MARQUEE_JAVA_OPTS), e.g. -Dmarquee.cpu.convRows=8");
        return 0;
    }

    private static String kib(long bytes) {
        return bytes == 0 ? "unknown" : (bytes >> 10) + " KiB";
    }
}
