package dev.enclave.inference.internal.template;

/**
 * A chat template could not render a conversation: the template itself refused it (its
 * {@code raise_exception}, for example "Conversation roles must alternate"), or it is
 * broken. The message is the template's own text, never the conversation's.
 */
public class ChatTemplateException extends RuntimeException {

	public ChatTemplateException(String message) {
		super(message);
	}

}
