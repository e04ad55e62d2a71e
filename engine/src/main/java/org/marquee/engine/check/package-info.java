/**
 * Numerical verification of backpropagation: {@link org.marquee.engine.check.GradientCheck} compares
 * a model's analytic gradients with float64 central differences on the reference backend and returns
 * a {@link org.marquee.engine.check.GradientCheckResult} table of every checked element.
 */
package org.marquee.engine.check;
