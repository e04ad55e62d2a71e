package org.marquee.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one task holds for one epoch: for every step of the epoch, the rows of its shard of that
 * step's batch, each with its row number in the whole batch. Shard j of every batch is rows
 * [j·B/P, (j+1)·B/P) of it, so a shard's rows are consecutive and its first row says where its
 * dropout masks and augmentation start.
 */
final class EpochShard implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A poster placed at {@code position} of the epoch's visiting order. */
    record Placed(int position, PosterRow poster) implements Serializable {}

    private final int shard;
    private final int batch;
    private final int firstRow;
    private final PosterRow[][] rows;   // [step of the epoch][row of the shard]

    EpochShard(int shard, int shards, int batch, int steps, List<Placed> placed) {
        this.shard = shard;
        this.batch = batch;
        int from = firstRow(shard, shards, batch), count = firstRow(shard + 1, shards, batch) - from;
        this.firstRow = from;
        this.rows = new PosterRow[steps][count];
        List<Placed> sorted = new ArrayList<>(placed);
        sorted.sort(Comparator.comparingInt(Placed::position));
        for (Placed p : sorted) {
            int step = p.position() / batch, row = p.position() % batch - from;
            if (step >= steps || row < 0 || row >= count) {
                throw new IllegalStateException("position " + p.position() + " does not belong to shard " + shard);
            }
            rows[step][row] = p.poster();
        }
        for (int s = 0; s < steps; s++) {
            for (int r = 0; r < count; r++) {
                if (rows[s][r] == null) throw new IllegalStateException("shard " + shard + " lacks row " + (from + r) + " of step " + s);
            }
        }
    }

    /** The first row of shard {@code j} of {@code shards} in a batch of {@code batch} rows (j = shards: the batch size). */
    static int firstRow(int j, int shards, int batch) {
        return (int) ((long) j * batch / shards);
    }

    /** The shard that row {@code row} of a batch belongs to. */
    static int shardOf(int row, int shards, int batch) {
        int j = (int) ((long) row * shards / batch);
        while (firstRow(j + 1, shards, batch) <= row) j++;
        while (firstRow(j, shards, batch) > row) j--;
        return j;
    }

    int shard() { return shard; }
    int batch() { return batch; }
    /** This shard's first row in the whole batch. */
    int firstRow() { return firstRow; }

    /** This shard's rows of step {@code s} of the epoch. */
    PosterRow[] rows(int s) { return rows[s]; }
}
