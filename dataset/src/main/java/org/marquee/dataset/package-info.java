/**
 * Data for the poster model, independent of the engine: batches are plain {@code float[]}.
 *
 * <pre>
 * // real data
 * Path data = DataLocation.find().orElseThrow();                       // MARQUEE_DATA or ../shared/data
 * MovieGenreCsv.Catalogue cat = MovieGenreCsv.read(data.resolve("MovieGenre.csv"));  // ISO-8859-1, 2000+
 * System.out.print(cat.report().summary(5));
 * List&lt;PosterSource&gt; sources = PosterSource.of(cat.movies(), data.resolve("posters"));
 * PosterCacheBuilder.Opened o = new PosterCacheBuilder(new PosterImages(224), cat.vocabulary(),
 *         n -&gt; Progress.start("caching posters", n)).openOrBuild(cacheFile, sources);
 * PosterDataset real = o.cache();                                      // memory-mapped, 8-bit pixels
 *
 * // or the built-in synthetic posters
 * PosterDataset synthetic = new SyntheticPosters(6000, 224, seed);
 *
 * Splits splits = Splits.of(idsOf(dataset), seed);                     // 60/20/20 by imdbId
 * dataset.fillBatch(indices, pixels, labels);  // pixels (N, 3, S, S) in [0, 1], labels (N, 27) 0/1
 * </pre>
 *
 * {@link org.marquee.dataset.PosterDownloader} fetches posters from the CSV's URLs into the
 * posters folder; {@link org.marquee.dataset.GenreVocabulary} is saved next to anything that
 * depends on the label order.
 */
package org.marquee.dataset;
