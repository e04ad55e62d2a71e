package org.marquee.spark;

import java.io.Serializable;

/**
 * What a task sends back after a step: its shard, its row count, the gradient of the mean loss over
 * its rows (every parameter, block order, as {@link Floats} bytes; null for an empty shard) and that mean loss.
 */
record ShardResult(int shard, int rows, byte[] gradient, double meanLoss) implements Serializable {}
