package dev.enclave.inference;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Embeddings from the embedding models on the model servers behind Enclave, in OpenAI's
 * terms. Preparing checks and counts the input first, so a budget can reserve it before
 * any server is asked; the input is never logged.
 */
public interface TextEmbeddings {

	/**
	 * Checks a request: the model (id or alias) must be an embedding model, the input a
	 * string, a list of strings, a list of token ids or a list of such lists.
	 * @return the checked input with its token count; or the error {@code not_found} naming
	 * {@code model}, or {@code invalid_request} naming the field
	 */
	Mono<EmbeddingInput> prepare(@Nullable String model, @Nullable JsonNode input);

	/**
	 * Embeds a prepared input on one of the model's servers (another one once, if the first
	 * fails before answering).
	 * @param extraBody the request's other fields ({@code encoding_format},
	 * {@code dimensions}, ...), for the server
	 */
	Mono<EmbeddingResult> embed(EmbeddingInput input, Map<String, JsonNode> extraBody);

	/**
	 * A checked input.
	 *
	 * @param model the model's id
	 * @param input the input as the client sent it
	 * @param inputs how many vectors it asks for
	 * @param tokens its tokens: counted with the model's tokenizer, or estimated
	 */
	record EmbeddingInput(String model, JsonNode input, int inputs, int tokens) {
	}

	/**
	 * The server's answer.
	 *
	 * @param model the model's id
	 * @param data the vectors as the server sent them ({@code {"object": "embedding",
	 * "index", "embedding"}} each), one per input, in order
	 * @param promptTokens the input's tokens as the server counted them, else as prepared
	 */
	record EmbeddingResult(String model, JsonNode data, int promptTokens) {
	}

}
