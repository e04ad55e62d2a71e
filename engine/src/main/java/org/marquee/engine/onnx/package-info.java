/**
 * ONNX export: {@link org.marquee.engine.onnx.OnnxExport} writes a
 * {@link org.marquee.engine.nn.Sequential} as an ONNX model (protobuf, encoded by hand in
 * {@code ProtoWriter}, with no dependency), to run it in ONNX Runtime or any other ONNX runtime.
 */
package org.marquee.engine.onnx;
