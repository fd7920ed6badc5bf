package dev.enclave.inference;

import org.jspecify.annotations.Nullable;

/**
 * OpenAI's {@code tool_choice}: whether and which of the declared tools the model may call.
 * A model server that understands it gets it as sent; the local engine, which cannot force
 * a call, shows the model only the tools the choice allows.
 *
 * @param mode {@code none}, {@code auto}, {@code required} or {@code function}
 * @param function the one function, when the mode is {@code function}
 */
public record ToolChoice(String mode, @Nullable String function) {

	public static final ToolChoice NONE = new ToolChoice("none", null);

	public static final ToolChoice AUTO = new ToolChoice("auto", null);

	public static final ToolChoice REQUIRED = new ToolChoice("required", null);

	public static ToolChoice function(String name) {
		return new ToolChoice("function", name);
	}

}
