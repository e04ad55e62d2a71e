package org.marquee.engine.cpu;

import org.marquee.engine.ConvGeometry;

/**
 * A forward convolution's operands: n images x (n, C, H, W), the kernel (K, C*KH*KW), the bias
 * (K) and whether ReLU follows, for the geometry g; the output goes where the call says
 * ({@link DirectConv#forward}, {@link DirectConv#forwardPooled}).
 *
 * @param g       the convolution's geometry
 * @param n       images in the batch
 * @param x       the input images
 * @param weights the kernel
 * @param bias    the bias, one per filter
 */
record ConvInput(ConvGeometry g, int n, Slice x, Slice weights, Slice bias) {}
