package dev.enclave.tools;

/** Whether a tool only reads, or changes something; writes may need a person's approval. */
public enum ToolMode {

	READ, WRITE

}
