package dev.enclave.inference.internal.remote;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.internal.ChatMessages;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.checkpoint.CheckpointException;
import dev.enclave.inference.internal.checkpoint.TokenizerSettings;
import dev.enclave.inference.internal.generation.TextTokenizer;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.internal.template.ChatTemplateException;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * Counts the tokens of a remote model's prompts before they are sent, so the budgets can
 * reserve them. With the model's tokenizer and chat template the count is the server's own;
 * with the tokenizer alone it is the messages' tokens plus a few per message for the role
 * markers; with neither it is an estimate of four bytes a token, OpenAI's rule of thumb. The
 * reservation is settled to the server's reported usage afterwards, so an estimate only
 * decides what is held meanwhile.
 */
final class PromptCounter implements AutoCloseable {

	/** Tokens a chat template typically adds around one message (role markers, separators). */
	static final int PER_MESSAGE = 4;

	private static final int BYTES_PER_TOKEN = 4;

	private final @Nullable TextTokenizer tokenizer;

	private final @Nullable ChatTemplate template;

	private PromptCounter(@Nullable TextTokenizer tokenizer, @Nullable ChatTemplate template) {
		this.tokenizer = tokenizer;
		this.template = template;
	}

	/** Estimates only. */
	static PromptCounter estimating() {
		return new PromptCounter(null, null);
	}

	/**
	 * Loads the tokenizer (and chat template) of {@code directory}.
	 * @throws CheckpointException when it has no readable {@code tokenizer.json}
	 */
	static PromptCounter load(Path directory, Clock clock) {
		Path file = directory.resolve(Checkpoint.TOKENIZER);
		if (!Files.isRegularFile(file)) {
			throw new CheckpointException("The tokenizer directory " + directory + " has no " + Checkpoint.TOKENIZER);
		}
		TextTokenizer tokenizer;
		try {
			tokenizer = TextTokenizer.load(file);
		}
		catch (RuntimeException ex) {
			throw new CheckpointException(Checkpoint.TOKENIZER + " in " + directory + " cannot be loaded: "
					+ ex.getMessage(), ex);
		}
		TokenizerSettings settings = TokenizerSettings.read(directory);
		String source = settings.chatTemplate(false);
		return new PromptCounter(tokenizer,
				(source != null) ? new ChatTemplate(source, settings.specialTokens(), clock) : null);
	}

	/** Whether counts are the server's own: its tokenizer and its chat template. */
	boolean exact() {
		return this.tokenizer != null && this.template != null;
	}

	/** Whether counts are estimates from the bytes alone: cheap, linear arithmetic. */
	boolean estimates() {
		return this.tokenizer == null;
	}

	/** What the counts are, for the model list and the logs. */
	String describe() {
		if (exact()) {
			return "prompts counted with the model's tokenizer and chat template";
		}
		return (this.tokenizer != null) ? "prompts counted with the model's tokenizer"
				: "prompt tokens estimated until the server reports them";
	}

	/** The prompt's tokens as the server will see them (exactly, or as near as this counter can). */
	int prompt(List<Message> messages, @Nullable ChatOptions options) {
		List<Map<String, Object>> rendered = ChatMessages.messages(messages, true);
		List<Map<String, Object>> tools = ChatMessages.declaredTools(options);
		if (this.tokenizer != null && this.template != null) {
			try {
				return this.tokenizer.encode(this.template.render(ChatMessages.messages(messages, false), tools, true)).length;
			}
			catch (ChatTemplateException ex) {
				throw ApiException.invalidParam("messages", "The model's chat template refused the conversation: "
						+ ex.getMessage());
			}
		}
		int tokens = 0;
		for (Map<String, Object> message : rendered) {
			tokens += PER_MESSAGE + text(String.valueOf(message.get("content")));
			Object calls = message.get("tool_calls");
			if (calls != null) {
				tokens += text(calls.toString());
			}
		}
		if (!tools.isEmpty()) {
			tokens += text(tools.toString());
		}
		return tokens;
	}

	/** The tokens of plain text. */
	int text(String text) {
		if (text.isEmpty()) {
			return 0;
		}
		if (this.tokenizer != null) {
			return this.tokenizer.encode(text).length;
		}
		return (text.getBytes(StandardCharsets.UTF_8).length + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
	}

	@Override
	public void close() {
		if (this.tokenizer != null) {
			this.tokenizer.close();
		}
	}

}
