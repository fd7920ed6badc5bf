package dev.enclave.inference.internal;

import java.time.Instant;
import java.util.Set;

import dev.enclave.inference.internal.checkpoint.GenerationDefaults;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.generation.TextTokenizer;
import dev.enclave.inference.internal.template.ChatTemplate;
import org.jspecify.annotations.Nullable;

/**
 * A loaded, verified model with everything a chat turn needs.
 *
 * @param name the id clients ask for
 * @param description what {@code /v1/models} says about it
 * @param created when its checkpoint was sealed
 * @param model the network
 * @param tokenizer its tokenizer
 * @param template its chat template, or null when the checkpoint has none (then it cannot
 * chat)
 * @param defaults the checkpoint's sampling defaults
 * @param stopTokens every token id that ends an answer
 */
record ServedModel(String name, String description, Instant created, DecoderModel model, TextTokenizer tokenizer,
		@Nullable ChatTemplate template, GenerationDefaults defaults, Set<Integer> stopTokens) implements AutoCloseable {

	@Override
	public void close() {
		this.tokenizer.close();
		this.model.close();
	}

}
