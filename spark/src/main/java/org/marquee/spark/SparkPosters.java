package org.marquee.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.marquee.app.cluster.DataRequest;
import org.marquee.app.data.DataLoader;
import org.marquee.dataset.CatalogueOptions;
import org.marquee.dataset.DataLocation;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.MovieRecord;
import org.marquee.dataset.PosterException;
import org.marquee.dataset.PosterImages;
import scala.Tuple2;

/**
 * The real catalogue read through Spark, from any file system Spark reads (a local folder, HDFS,
 * object storage): MovieGenre.csv on the driver, each poster the catalogue names read by path
 * (Hadoop's FileSystem, as binaryFiles does) and decoded and resized on the executors (the same decoder and resize as the poster cache, so the pixels are the
 * cache's). A poster that is missing or cannot be decoded is left out and counted by reason, as
 * the cache does; the posters kept are in catalogue order, so the split is the one-machine split.
 */
final class SparkPosters {
    private SparkPosters() {}

    /** A decoded poster or the reason it was left out. */
    record Decoded(int movie, byte[] pixels, String reason, String message) implements Serializable {}

    static SparkCluster.Loaded read(SparkCluster cluster, DataRequest request, int imageSize, PrintStream out) throws IOException {
        JavaSparkContext sc = cluster.context();
        var conf = sc.hadoopConfiguration();
        SparkPaths.Located data = SparkPaths.locate("--data",
                "auto".equalsIgnoreCase(request.data()) ? DataLoader.resolveCsv("auto").toUri().toString() : request.data(), conf);
        if (!SparkPaths.exists("--data", data)) throw new IllegalArgumentException("--data: catalogue " + data.path() + " does not exist");
        Path csv = data.path();
        if (SparkPaths.isDirectory("--data", data)) {
            csv = new Path(csv, DataLocation.CSV_NAME);
            if (!SparkPaths.exists("--data", new SparkPaths.Located(csv, data.fs()))) {
                throw new IllegalArgumentException("--data: catalogue " + csv + " does not exist");
            }
        }
        SparkPaths.Located posters = request.posters() != null ? SparkPaths.locate("--posters", request.posters(), conf)
                : new SparkPaths.Located(new Path(csv.getParent(), DataLocation.POSTERS), data.fs());
        Path posterDir = posters.path();
        if (!SparkPaths.exists("--posters", posters) || !SparkPaths.isDirectory("--posters", posters)) {
            throw new IllegalArgumentException("posters folder " + posterDir + " does not exist (set it with --posters,"
                    + " or fetch the posters with the download command)");
        }
        byte[] csvBytes = sc.binaryFiles(csv.toString(), 1).values().map(s -> s.toArray()).first();
        MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(csv.toString(), new ByteArrayInputStream(csvBytes),
                CatalogueOptions.defaults().withGenresFromData(request.genresFromData()));
        out.println("catalogue: " + catalogue.report().summary(3));
        List<MovieRecord> movies = catalogue.movies();
        if (request.limit() > 0 && request.limit() < movies.size()) movies = movies.subList(0, request.limit());
        // each poster file read by path on the executors: listing a folder of thousands of files
        // through binaryFiles took minutes here, and the catalogue already names every file
        List<Tuple2<Integer, String>> files = new ArrayList<>();
        for (int m = 0; m < movies.size(); m++) files.add(new Tuple2<>(m, new Path(posterDir, movies.get(m).posterFileName()).toString()));
        HashMap<String, String> settings = new HashMap<>();
        for (Map.Entry<String, String> e : conf) settings.put(e.getKey(), e.getValue());
        Broadcast<HashMap<String, String>> hadoop = sc.broadcast(settings);
        long maxPixels = PosterImages.DEFAULT_MAX_PIXELS;
        int slices = Math.max(1, Math.min(files.size(), 4 * Math.max(cluster.shards(), sc.defaultParallelism())));
        JavaPairRDD<Integer, Decoded> decoded = sc.parallelize(files, slices)
                .mapPartitionsToPair(it -> {
                    org.apache.hadoop.conf.Configuration c = new org.apache.hadoop.conf.Configuration(false);
                    hadoop.value().forEach(c::set);
                    List<Tuple2<Integer, Decoded>> read = new ArrayList<>();
                    while (it.hasNext()) {
                        Tuple2<Integer, String> f = it.next();
                        read.add(new Tuple2<>(f._1(), read(f._1(), f._2(), c, imageSize, maxPixels)));
                    }
                    return read.iterator();
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<Integer, Decoded> outcomes = new HashMap<>();
        for (Tuple2<Integer, Decoded> t : decoded.mapValues(d -> d.pixels() == null ? d : new Decoded(d.movie(), null, null, null)).collect()) {
            outcomes.put(t._1(), t._2());
        }
        // the broadcast stays: the cached posters' lineage uses it if an executor is lost
        // the kept posters in catalogue order; each reason of the others counted, three examples shown
        int[] indexOf = new int[movies.size()];
        List<Long> ids = new ArrayList<>();
        List<float[]> labels = new ArrayList<>();
        Map<String, Integer> leftOut = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        List<org.marquee.dataset.PosterCache.Failure> failures = new ArrayList<>();
        for (int m = 0; m < movies.size(); m++) {
            Decoded d = outcomes.get(m);
            String reason = d.reason();
            if (reason == null) {
                indexOf[m] = ids.size();
                ids.add(movies.get(m).imdbId());
                labels.add(catalogue.vocabulary().encode(movies.get(m).genres()));
            } else {
                indexOf[m] = -1;
                failures.add(new org.marquee.dataset.PosterCache.Failure(movies.get(m).imdbId(), PosterException.Reason.valueOf(reason)));
                leftOut.merge(reason.toLowerCase(Locale.ROOT).replace('_', ' '), 1, Integer::sum);
                if (examples.size() < 3) examples.add(d.message());
            }
        }
        out.printf(Locale.ROOT, "posters: %,d decoded and cached on the executors, %,d left out%s%n", ids.size(),
                movies.size() - ids.size(), leftOut.isEmpty() ? "" : " " + leftOut + (examples.isEmpty() ? "" : ", e.g. " + String.join("; ", examples)));
        if (ids.isEmpty()) throw new IllegalArgumentException("no poster of " + csv + " could be read from " + posterDir);
        Broadcast<int[]> newIndex = sc.broadcast(indexOf);
        Broadcast<float[][]> labelsOf = sc.broadcast(labels.toArray(float[][]::new));
        JavaPairRDD<Integer, PosterRow> rows = decoded
                .filter(t -> t._2().pixels() != null)
                .mapToPair(t -> {
                    int index = newIndex.value()[t._1()];
                    return new Tuple2<>(index, PosterRow.ofBytes(index, t._2().pixels(), labelsOf.value()[index]));
                });
        long[] idArray = ids.stream().mapToLong(Long::longValue).toArray();
        return new SparkCluster.Loaded(rows, idArray, labels.toArray(float[][]::new), catalogue.vocabulary(), imageSize, request.splitSeed(),
                String.format(Locale.ROOT, "%,d posters from %s through Spark, %dx%d", idArray.length, csv, imageSize, imageSize),
                movies, failures);
    }

    /** Reads one poster file on an executor; a missing or unreadable file becomes a reason, never an exception. */
    static Decoded read(int movie, String file, org.apache.hadoop.conf.Configuration conf, int imageSize, long maxPixels) {
        byte[] bytes;
        try {
            Path p = new Path(file);
            try (var in = p.getFileSystem(conf).open(p)) {
                bytes = org.marquee.engine.io.FileKind.readBounded(in, file, "poster", org.marquee.dataset.PosterImages.MAX_FILE_BYTES);
            }
        } catch (org.marquee.engine.io.FileKind.TooLargeException e) {
            return new Decoded(movie, null, PosterException.Reason.TOO_LARGE.name(), file + ": " + e.getReason());
        } catch (java.io.FileNotFoundException e) {
            return new Decoded(movie, null, PosterException.Reason.MISSING.name(), file + ": " + PosterException.Reason.MISSING.description());
        } catch (IOException | RuntimeException e) {
            return new Decoded(movie, null, PosterException.Reason.UNREADABLE.name(), file + ": " + e);
        }
        return decode(movie, file, bytes, imageSize, maxPixels);
    }

    /** Decodes and resizes one poster on an executor; a bad file becomes a reason, never an exception. */
    static Decoded decode(int movie, String location, byte[] bytes, int imageSize, long maxPixels) {
        try {
            PosterImages images = new PosterImages(imageSize, maxPixels);
            return new Decoded(movie, images.bytesOf(location, bytes), null, null);
        } catch (PosterException e) {
            return new Decoded(movie, null, e.reason().name(), e.getMessage());
        } catch (RuntimeException e) {
            return new Decoded(movie, null, PosterException.Reason.UNREADABLE.name(), location + ": " + e);
        }
    }
}
