package dev.enclave.conversation;

/**
 * A tool call an assistant message made, as OpenAI's API carries it. Its arguments are
 * content (they may hold anything the conversation held), so they are stored sealed.
 *
 * @param id the call's id, which the tool message answering it repeats
 * @param name the function called
 * @param arguments the arguments' JSON text, as the model wrote it
 */
public record ToolCall(String id, String name, String arguments) {
}
