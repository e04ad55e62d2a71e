package org.marquee.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.app.data.DataLoader;
import org.marquee.app.data.LoadedData;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the posters come from: synthetic by default, or the real catalogue with --data. */
public final class DataMixin {
    @Option(names = "--data", paramLabel = "CSV|DIR|auto",
            description = "the real data: MovieGenre.csv, its folder, or 'auto' to find shared/data; without it, synthetic posters are used")
    String data;

    @Option(names = "--posters", paramLabel = "DIR", description = "poster images <imdbId>.jpg (default: posters/ beside the CSV)")
    String posters;   // a path, or with --spark any URI the cluster reads

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "use only the first N movies of the catalogue, 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--synthetic", paramLabel = "N", defaultValue = "1000",
            description = "number of synthetic posters when --data is not given (default: ${DEFAULT-VALUE})")
    int synthetic;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "poster cache file for the real data (default: runs/cache/posters-<size>[-<limit>].cache)")
    Path cache;

    @Option(names = "--split-seed", paramLabel = "SEED", defaultValue = "2017",
            description = "seed of the 60/20/20 train/validation/test split (default: ${DEFAULT-VALUE})")
    long splitSeed;

    @Option(names = "--genres-from-data",
            description = "label the model with every genre found in the catalogue instead of the 27 known ones (rows with"
                    + " another genre are otherwise skipped and listed with their line numbers)")
    boolean genresFromData;

    @Spec(Spec.Target.MIXEE) CommandSpec command;

    public boolean real() { return data != null; }

    /** Whether the option was on the command line (not only its default). */
    boolean given(String option) {
        var parsed = command == null || command.commandLine() == null ? null : command.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(option);
    }

    /**
     * Takes every data option that was not given on the command line from the settings a
     * checkpoint recorded (format 2 and later), so that a command scores the same posters, split the same
     * way, as the run that trained it. Returns what was taken, in words, or an empty string when
     * nothing was recorded or everything was given.
     */
    public String adopt(RunSettings recorded) {
        var taken = new java.util.ArrayList<String>();
        String kind = recorded.get("data").orElse(null);
        if (kind == null) return "";
        if (!given("--data")) {
            if (kind.equals("real")) {
                data = recorded.get(RunSettings.NOTE_PREFIX + "--data").orElse(null);
                if (data != null) taken.add("--data " + data);
                if (!given("--posters")) recorded.get(RunSettings.NOTE_PREFIX + "--posters").ifPresent(p -> {
                    posters = p;
                    taken.add("--posters " + p);
                });
                if (!given("--cache")) recorded.get(RunSettings.NOTE_PREFIX + "--cache").ifPresent(c -> {
                    cache = Path.of(c);
                    taken.add("--cache " + c);
                });
            } else if (data == null) {
                taken.add("synthetic posters");
            }
        }
        if (!given("--limit") && real()) recorded.get("--limit").ifPresent(v -> {
            limit = Integer.parseInt(v);
            taken.add("--limit " + v);
        });
        if (!given("--genres-from-data") && real()) recorded.get("--genres-from-data").ifPresent(v -> {
            genresFromData = Boolean.parseBoolean(v);
            if (genresFromData) taken.add("--genres-from-data");
        });
        if (!given("--synthetic") && !real()) recorded.get("--synthetic").ifPresent(v -> {
            synthetic = Integer.parseInt(v);
            taken.add("--synthetic " + v);
        });
        if (!given("--split-seed")) recorded.get("--split-seed").ifPresent(v -> {
            splitSeed = Long.parseLong(v);
            taken.add("--split-seed " + v);
        });
        return String.join(" ", taken);
    }

    /** Rejects out-of-range values before any data is read. */
    public void check() {
        OptionRanges.check("--limit", limit, 0, Integer.MAX_VALUE);
        OptionRanges.check("--synthetic", synthetic, 5, 1_000_000);
    }

    /**
     * The data settings that define a run on {@code d}: the kind of data and the options that
     * choose its posters and split, and a fingerprint of the posters themselves (their ids in
     * order and the genre vocabulary), so that the same files moved elsewhere still match while
     * an edited catalogue does not. Paths are kept as notes.
     */
    /** The key of the posters' fingerprint among the {@link #settings}. */
    static final String POSTERS_SETTING = "posters";

    /** Every key {@link #settings} can hold, notes aside: what decides which posters a command sees and how they are split. */
    static final java.util.Set<String> SETTINGS = java.util.Set.of("data", "--limit", "--genres-from-data", "--synthetic",
            "--split-seed", POSTERS_SETTING);

    public RunSettings settings(LoadedData d) {
        RunSettings.Builder b = RunSettings.builder().put("data", real() ? "real" : "synthetic");
        if (real()) {
            b.put("--limit", limit).put("--genres-from-data", genresFromData).note("--data", data);
            if (posters != null) b.note("--posters", posters);
            if (cache != null) b.note("--cache", cache);
        } else {
            b.put("--synthetic", synthetic);
        }
        return b.put("--split-seed", splitSeed).put(POSTERS_SETTING, fingerprint(d)).note("description", d.description()).build();
    }

    /** "9,184 posters, 27 genres, sha-256 1a2b3c4d5e6f7a8b" of the posters' ids in order and the genre names. */
    static String fingerprint(LoadedData d) {
        try {
            var sha = java.security.MessageDigest.getInstance("SHA-256");
            var buf = java.nio.ByteBuffer.allocate(8);
            for (long id : d.all().ids()) sha.update(buf.clear().putLong(id).array());
            sha.update(String.join("\n", d.genres()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return String.format(java.util.Locale.ROOT, "%,d posters, %d genres, sha-256 %s", d.all().size(), d.genres().size(),
                    java.util.HexFormat.of().formatHex(sha.digest(), 0, 8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** These options as a request to a cluster, which reads {@code --data} and {@code --posters} as URIs. */
    public org.marquee.app.cluster.DataRequest request() {
        check();
        return new org.marquee.app.cluster.DataRequest(data, posters, limit, synthetic, splitSeed, genresFromData);
    }

    /** Loads through {@code cluster} instead of this machine's files, and says what it loaded as {@link #load} does. */
    public LoadedData load(org.marquee.app.cluster.Cluster cluster, int imageSize, PrintStream out) throws IOException {
        LoadedData d = cluster.load(request(), imageSize, out);
        out.printf("data: %s; train %,d, validation %,d, test %,d%n", d.description(), d.train().size(),
                d.validation().size(), d.test().size());
        return d;
    }

    /** The catalogue of {@code --data} alone (with {@code --limit} and {@code --genres-from-data}), no poster read. */
    public org.marquee.dataset.MovieGenreCsv.Catalogue catalogue(PrintStream out) throws IOException {
        check();
        if (!real()) throw new IllegalStateException("no catalogue without --data");
        return new DataLoader(out).catalogue(data, limit, genresFromData);
    }

    public LoadedData load(int imageSize, PrintStream out) throws IOException {
        check();
        DataLoader loader = new DataLoader(out);
        LoadedData d = real()
                ? loader.real(data, posters == null ? null : Path.of(posters), limit, imageSize, cache, splitSeed, genresFromData)
                : loader.synthetic(synthetic, imageSize, splitSeed);
        out.printf("data: %s; train %,d, validation %,d, test %,d%n", d.description(), d.train().size(),
                d.validation().size(), d.test().size());
        return d;
    }
}
