package dev.enclave.inference.internal.toolcalls;

/**
 * One streaming parse of one generation. Not thread-safe; one per request.
 *
 * <p>
 * Text that may still turn out to be tool-call markup is held back until that is decided, so
 * content is emitted a little late but never contains markup. The text held for one call is
 * bounded ({@value ToolCallFormat#MAX_CALL_CHARS} characters): a longer call is reported as
 * malformed and the rest of it is skipped.
 */
public interface ToolCallParser {

	/**
	 * Feeds the next decoded text piece; returns what can be emitted now: content that is
	 * certainly not part of a tool call, and any tool calls completed by this piece.
	 */
	Parsed feed(String text);

	/**
	 * The generation ended (stop or length): releases held-back text. An unterminated tool
	 * call that still parses as a complete call is emitted; otherwise it comes back as a
	 * {@link MalformedToolCall}, never as content.
	 */
	Parsed finish();

}
