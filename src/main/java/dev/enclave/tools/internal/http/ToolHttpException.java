package dev.enclave.tools.internal.http;

/**
 * Why an HTTP tool call failed, in words safe to show the model: never a secret, a header
 * value, a response body, an internal address or a stack trace. Refusals are routine, so it
 * carries no stack trace of its own either.
 */
public final class ToolHttpException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** What went wrong, for whoever maps failures to answers. */
	public enum Kind {

		/** The arguments do not fill the URL template. */
		BAD_ARGUMENTS,

		/** The egress policy refuses the URL or the address it resolves to. */
		BLOCKED,

		/** The host is not on the egress allow-list. */
		NOT_ALLOWED_HOST,

		/** The tool's configuration cannot be used, such as a secret that is not set. */
		MISCONFIGURED,

		/** The host could not be resolved or connected to. */
		UNREACHABLE,

		/** Connecting, waiting or reading took too long. */
		TIMEOUT,

		/** The response body is larger than the policy allows. */
		TOO_LARGE,

		/** More redirects than the policy follows. */
		TOO_MANY_REDIRECTS,

		/** The server answered with a status other than 2xx (or a redirect to follow). */
		HTTP_STATUS,

		/** The response is not what the tool expects, such as a body that is not JSON. */
		BAD_RESPONSE

	}

	private final Kind kind;

	public ToolHttpException(Kind kind, String message) {
		super(message, null, false, false);
		this.kind = kind;
	}

	public Kind kind() {
		return this.kind;
	}

}
