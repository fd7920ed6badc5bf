package dev.enclave.inference.internal.engine;

import java.util.List;

import ai.djl.ndarray.NDArray;

/** All weights of a decoder in the engine's common layout. */
record DecoderWeights(NDArray embedding, List<LayerWeights> layers, NDArray finalNorm, NDArray lmHead) {
}
