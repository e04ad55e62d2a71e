/**
 * Training any {@link org.marquee.engine.nn.Sequential} as a library: a data set
 * ({@link org.marquee.engine.fit.Examples}), {@link org.marquee.engine.fit.Fit#fit} with progress,
 * early stopping and checkpoints that resume exactly, {@link org.marquee.engine.fit.Fit#evaluate},
 * {@link org.marquee.engine.fit.Fit#predict}, and a weights-only file
 * ({@link org.marquee.engine.fit.ModelWeights}). The README's "Use it as a library" section has a
 * complete example.
 */
package org.marquee.engine.fit;
