package org.marquee.spark;

import java.io.Serializable;

/**
 * What a task sends back after a step: its shard, its row count, the gradient of the mean loss over
 * its rows (every parameter, block order) and that mean loss.
 */
record ShardResult(int shard, int rows, float[] gradient, double meanLoss) implements Serializable {}
