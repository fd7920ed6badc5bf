package dev.enclave.inference.internal.engine;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * One decoder layer in the engine's common layout. Query, key and value projections are
 * fused into one matrix (rows: all query heads, then key heads, then value heads), and the
 * MLP's gate and up projections into another (gate rows first), so every architecture
 * runs the same few large matrix products.
 */
record LayerWeights(NDArray inputNorm, NDArray qkv, @Nullable NDArray qkvBias, NDArray output,
		@Nullable NDArray outputBias, NDArray postAttentionNorm, NDArray gateUp, NDArray down) {
}
