package org.marquee.engine.nn;

import org.marquee.engine.Backend;

/**
 * What a layer receives while a model is built: the backend it computes on, the parameter block
 * where it reserves its weights, and the buffers it draws activations and workspaces from.
 * {@code inputGradient} says whether anything before the layer needs dL/dx. {@code inPlace} says
 * that the layer sits between two others, so its input and its output gradient are buffers of the
 * model that nothing else reads later: an elementwise layer may then write its output over its
 * input and dL/dx over dL/dy instead of keeping buffers of its own.
 */
record LayerContext(Backend backend, ParameterBlock parameters, Buffers buffers, boolean inputGradient, boolean inPlace) {}
