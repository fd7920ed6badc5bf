package dev.enclave.inference.internal.engine;

import tools.jackson.databind.JsonNode;

/**
 * What is particular to one family of checkpoints: how its {@code config.json} names the
 * shape, and how its tensors are named and laid out. Everything else (the forward pass,
 * the KV cache) is shared in {@link DecoderModel}.
 */
interface Architecture {

	/** Reads the shape from {@code config.json}, refusing variants the engine cannot run. */
	DecoderSpec spec(JsonNode config);

	/** Loads every tensor into the common layout. */
	DecoderWeights load(TensorLoader loader, DecoderSpec spec);

}
