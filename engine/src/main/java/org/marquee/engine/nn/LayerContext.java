package org.marquee.engine.nn;

import org.marquee.engine.Backend;

/**
 * What a layer receives while a model is built: the backend it computes on, the parameter block
 * where it reserves its weights, and the buffers it draws activations and workspaces from.
 * {@code inputGradient} says whether anything before the layer needs dL/dx.
 */
record LayerContext(Backend backend, ParameterBlock parameters, Buffers buffers, boolean inputGradient) {}
