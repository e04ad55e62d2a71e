/**
 * Layers, the {@link org.marquee.engine.nn.Sequential} model, the loss and Adam, written once over
 * {@link org.marquee.engine.Backend} so the same code runs in float64 on the reference backend (where
 * it is gradient-checked) and in float32 on the fast backends.
 *
 * <ul>
 *   <li>Every layer has its forward and backward side by side, with the backward formula in a
 *       comment. Backward adds into parameter gradients (zero them once per step with
 *       {@link org.marquee.engine.nn.Sequential#zeroGradients()}) and writes a fresh input gradient.
 *       A layer computes dL/dx only when some layer before it has parameters, so the first layer
 *       never computes an image gradient.</li>
 *   <li>All parameters live in one contiguous block and all gradients in another of the same layout;
 *       layers hold views. Kernels are Glorot-uniform from a seed, biases zero.</li>
 *   <li>Activations, gradients and workspaces are allocated on first use for the largest batch seen
 *       and reused, so a training step allocates nothing after the first.</li>
 *   <li>Shapes are per example and channel-first: (C, H, W) for images, (F) for features.</li>
 * </ul>
 */
package org.marquee.engine.nn;
