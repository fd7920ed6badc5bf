package dev.enclave.inference;

/**
 * Why a generation ended. The value is what {@code ChatGenerationMetadata#getFinishReason()}
 * carries on the last chunk of every stream, in OpenAI's spelling.
 */
public enum FinishReason {

	/** The model produced a stop token, or the text reached a stop string. */
	STOP("stop"),

	/** {@code max_tokens} was reached, or the model's context is full. */
	LENGTH("length"),

	/** The caller cancelled the stream; generation stopped at the next step. */
	CANCELLED("cancelled");

	private final String value;

	FinishReason(String value) {
		this.value = value;
	}

	/** The wire value: {@code stop}, {@code length} or {@code cancelled}. */
	public String value() {
		return this.value;
	}

}
