package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ContextWindow;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.internal.template.ChatTemplateException;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;

/**
 * Counts a conversation the way the model will see it: rendered with the model's chat
 * template (role markers and all) and tokenised. The number of messages that fit is found
 * by binary search over where the kept tail starts, so a long history costs a few renders,
 * not one per message.
 */
final class TemplateContextWindow implements ContextWindow {

	private final ModelRegistry registry;

	TemplateContextWindow(ModelRegistry registry) {
		this.registry = registry;
	}

	@Override
	public int size(@Nullable String model) {
		return this.registry.require(model).model().maxContext();
	}

	@Override
	public int promptTokens(@Nullable String model, List<Message> messages) {
		return tokens(this.registry.require(model), messages);
	}

	@Override
	public int textTokens(@Nullable String model, String text) {
		return text.isEmpty() ? 0 : this.registry.require(model).tokenizer().encode(text).length;
	}

	@Override
	public List<Message> fit(@Nullable String model, List<Message> messages, int reserve) {
		ServedModel served = this.registry.require(model);
		int budget = served.model().maxContext() - Math.max(1, reserve);
		List<Message> system = new ArrayList<>();
		int firstOther = 0;
		while (firstOther < messages.size() && messages.get(firstOther).getMessageType() == MessageType.SYSTEM) {
			system.add(messages.get(firstOther));
			firstOther++;
		}
		List<Message> others = messages.subList(firstOther, messages.size());
		if (others.isEmpty() || tokens(served, messages) <= budget) {
			return List.copyOf(messages);
		}
		// Smallest start whose tail fits; the tail of the newest message alone is the last resort.
		int low = 0;
		int high = others.size() - 1;
		if (tokens(served, join(system, others.subList(high, others.size()))) > budget) {
			throw ApiException.invalidParam("content", "The message is too long for model '" + served.name()
					+ "': with the system prompt and room for an answer it exceeds the model's "
					+ served.model().maxContext() + " tokens");
		}
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (tokens(served, join(system, others.subList(middle, others.size()))) <= budget) {
				high = middle;
			}
			else {
				low = middle + 1;
			}
		}
		return join(system, others.subList(low, others.size()));
	}

	private static List<Message> join(List<Message> system, List<Message> tail) {
		List<Message> joined = new ArrayList<>(system.size() + tail.size());
		joined.addAll(system);
		joined.addAll(tail);
		return List.copyOf(joined);
	}

	private static int tokens(ServedModel served, List<Message> messages) {
		ChatTemplate template = served.template();
		if (template == null) {
			throw ApiException.invalidParam("model", "Model '" + served.name()
					+ "' has no chat template in its tokenizer_config.json, so it cannot serve chat");
		}
		try {
			return served.tokenizer().encode(template.render(ChatMessages.messages(messages), List.of(), true)).length;
		}
		catch (ChatTemplateException ex) {
			throw ApiException.invalidParam("messages", "The model's chat template refused the conversation: "
					+ ex.getMessage());
		}
	}

}
