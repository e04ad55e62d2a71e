/**
 * Marquee's one model-file format: {@link org.marquee.engine.checkpoint.Checkpoint}s of any
 * {@link org.marquee.engine.nn.Sequential}, full (with the optimizer's state, to resume training
 * exactly) or weights-only, read and written by {@link org.marquee.engine.checkpoint.CheckpointFile}
 * and made from and loaded into models by {@link org.marquee.engine.checkpoint.Checkpoints}.
 */
package org.marquee.engine.checkpoint;
