package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import dev.enclave.gateway.ApiException;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;

/**
 * Fits a conversation into a model's context, for every engine: the leading system messages
 * stay, the oldest others go, whole, never cut in half, until the rendering fits; the last
 * message is never dropped. How many of the newest messages fit is found by binary search
 * over where the kept tail starts, so a long history costs a few renders, not one per
 * message; the last render is the one handed back, for the engine to run.
 */
public final class PromptFitting {

	private PromptFitting() {
	}

	/** What was kept and its rendering. */
	public record Fitted<T>(List<Message> messages, T rendering) {
	}

	/**
	 * @param budget the most tokens the rendering may have
	 * @param render renders messages
	 * @param size the tokens of a rendering
	 * @param model the model's name, for the refusal
	 * @param context the model's context, for the refusal
	 * @throws ApiException {@code invalid_request} naming {@code content} when not even the
	 * last message fits with the system messages
	 */
	public static <T> Fitted<T> fit(List<Message> messages, int budget, Function<List<Message>, T> render,
			ToIntFunction<T> size, String model, int context) {
		int firstOther = 0;
		while (firstOther < messages.size() - 1 && messages.get(firstOther).getMessageType() == MessageType.SYSTEM) {
			firstOther++;
		}
		List<Message> system = messages.subList(0, firstOther);
		List<Message> others = messages.subList(firstOther, messages.size());
		T whole = render.apply(messages);
		if (size.applyAsInt(whole) <= budget || others.isEmpty()) {
			return new Fitted<>(messages, whole);
		}
		// Smallest start whose tail fits; the newest message alone is the last resort.
		int high = others.size() - 1;
		T tail = render.apply(join(system, others.subList(high, others.size())));
		if (size.applyAsInt(tail) > budget) {
			throw ApiException.invalidParam("content", "The message is too long for model '" + model
					+ "': with the system prompt and room for an answer it exceeds the model's " + context + " tokens");
		}
		int low = 0;
		while (low < high) {
			int middle = (low + high) >>> 1;
			T rendering = render.apply(join(system, others.subList(middle, others.size())));
			if (size.applyAsInt(rendering) <= budget) {
				high = middle;
				tail = rendering;
			}
			else {
				low = middle + 1;
			}
		}
		return new Fitted<>(join(system, others.subList(low, others.size())), tail);
	}

	/** The budget a prompt has: the context less the answer's room (at least one token). */
	public static int budget(int context, @Nullable Integer maxTokens) {
		return context - ((maxTokens != null) ? maxTokens : 1);
	}

	private static List<Message> join(List<Message> system, List<Message> tail) {
		List<Message> joined = new ArrayList<>(system.size() + tail.size());
		joined.addAll(system);
		joined.addAll(tail);
		return joined;
	}

}
