package dev.enclave.inference.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.enclave.inference.internal.checkpoint.GenerationDefaults;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.generation.TextTokenizer;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.internal.toolcalls.ToolCallFormat;
import org.jspecify.annotations.Nullable;

/**
 * A loaded, verified model with everything a chat turn needs.
 *
 * @param name the id clients ask for
 * @param description what {@code /v1/models} says about it
 * @param created when its checkpoint was sealed
 * @param replicas the network, once per device it runs on
 * @param tokenizer its tokenizer
 * @param template its chat template, or null when the checkpoint has none (then it cannot
 * chat)
 * @param defaults the checkpoint's sampling defaults
 * @param stopTokens every token id that ends an answer
 */
record ServedModel(String name, String description, Instant created, List<DecoderModel> replicas,
		TextTokenizer tokenizer, @Nullable ChatTemplate template, GenerationDefaults defaults, Set<Integer> stopTokens)
		implements AutoCloseable {

	/** The network as every replica has it: its spec and context are the same on each. */
	DecoderModel model() {
		return this.replicas.get(0);
	}

	/** How the model writes tool calls, by its architecture; empty when we cannot read them. */
	Optional<ToolCallFormat> toolCallFormat() {
		return ToolCallFormat.forArchitecture(model().spec().architecture());
	}

	@Override
	public void close() {
		this.tokenizer.close();
		this.replicas.forEach(DecoderModel::close);
	}

}
