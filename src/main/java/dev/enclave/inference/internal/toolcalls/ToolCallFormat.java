package dev.enclave.inference.internal.toolcalls;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** How a model family writes tool calls in its generated text. */
public enum ToolCallFormat {

	/**
	 * glm-4-9b-chat: the tool's name on the first line of the answer, then its arguments as a
	 * JSON object; several calls may follow each other. Without declared tools nothing is a
	 * call, since the name is the only sign of one.
	 */
	GLM4,

	/**
	 * Qwen2 and Hermes: {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>},
	 * possibly several, possibly after content. The tags are always parsed; a call to an
	 * undeclared tool is malformed.
	 */
	HERMES,

	/**
	 * Llama 3.1 and 3.2 JSON tool calling: the whole answer is
	 * {@code {"name": ..., "parameters": {...}}}, possibly after {@code <|python_tag|>}, several
	 * separated by {@code ;}. Without declared tools a JSON answer is content, as the model
	 * was never told to call anything.
	 */
	LLAMA3;

	/** The most text held back for one call before it is reported as too long. */
	static final int MAX_CALL_CHARS = 64 * 1024;

	/** A parser for one generation of a request that declared {@code toolNames}. */
	public ToolCallParser newParser(Set<String> toolNames) {
		CallJson calls = new CallJson(toolNames);
		return switch (this) {
			case GLM4 -> new Glm4Parser(calls, MAX_CALL_CHARS);
			case HERMES -> new HermesParser(calls, MAX_CALL_CHARS);
			case LLAMA3 -> new Llama3Parser(calls, MAX_CALL_CHARS);
		};
	}

	/** The format of a checkpoint's {@code model_type} (config.json), if tool calls are understood for it. */
	public static Optional<ToolCallFormat> forArchitecture(String modelType) {
		return switch (modelType.toLowerCase(Locale.ROOT)) {
			case "chatglm", "glm4" -> Optional.of(GLM4);
			case "qwen2" -> Optional.of(HERMES);
			case "llama" -> Optional.of(LLAMA3);
			default -> Optional.empty();
		};
	}

}
