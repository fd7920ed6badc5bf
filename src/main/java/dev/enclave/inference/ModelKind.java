package dev.enclave.inference;

/** What a model does: answers chats, or turns text into embedding vectors. */
public enum ModelKind {

	/** Chat completions: {@code /v1/chat/completions} and console turns. */
	CHAT,

	/** Embeddings: {@code /v1/embeddings}. */
	EMBEDDING

}
