package dev.enclave.inference.internal.template;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint's own {@code chat_template}, rendered the way Hugging Face's
 * {@code apply_chat_template} renders it: Jinja with {@code trim_blocks} and
 * {@code lstrip_blocks}, the variables {@code messages}, {@code tools},
 * {@code add_generation_prompt} and the special tokens, and the globals
 * {@code raise_exception} and {@code strftime_now}. Jinjava needs help to be that Jinja:
 * whitespace control on expressions, Python's string methods and Python's
 * {@code json.dumps} for {@code tojson} are switched on or supplied here, and {@code not}
 * takes a whole comparison, as in Jinja ({@link PythonPrecedenceBuilder}). Its "natural
 * operator precedence" stays off: it reads {@code not x is defined} as
 * {@code (not x) is defined}, and templates test definedness that way everywhere.
 */
public final class ChatTemplate {

	private static final Jinjava JINJA = jinja();

	private final String source;

	private final Map<String, String> specialTokens;

	private final Clock clock;

	public ChatTemplate(String source, Map<String, String> specialTokens, Clock clock) {
		this.source = source;
		this.specialTokens = Map.copyOf(specialTokens);
		this.clock = clock;
	}

	/**
	 * Renders a conversation.
	 * @param messages OpenAI-shaped messages: {@code role}, {@code content}, and for tool use
	 * {@code tool_calls}, {@code tool_call_id}, {@code name}
	 * @param tools OpenAI-shaped function definitions; empty for none
	 * @throws ChatTemplateException when the template refuses the conversation or is broken
	 */
	public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
			boolean addGenerationPrompt) {
		Map<String, Object> context = new HashMap<>(this.specialTokens);
		context.put("messages", messages);
		context.put("tools", tools.isEmpty() ? null : tools);
		context.put("add_generation_prompt", addGenerationPrompt);
		context.put(TemplateFunctions.CLOCK, this.clock);
		RenderResult result;
		try {
			result = JINJA.renderForResult(this.source, context);
		}
		catch (ChatTemplateException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new ChatTemplateException("the chat template failed: " + ex.getMessage());
		}
		List<TemplateError> fatal = result.getErrors()
			.stream()
			.filter((error) -> error.getSeverity() == TemplateError.ErrorType.FATAL)
			.toList();
		if (!fatal.isEmpty()) {
			throw new ChatTemplateException(fatal.stream().map(ChatTemplate::describe).collect(Collectors.joining("; ")));
		}
		return result.getOutput();
	}

	/**
	 * A value as this engine's {@code tojson} writes it (Python's {@code json.dumps}), for
	 * text a conversation must carry the way the model's own tooling writes it.
	 */
	public static String tojson(@Nullable Object value) {
		return PythonJson.dumps(value, null, false);
	}

	private static String describe(TemplateError error) {
		Throwable cause = error.getException();
		while (cause != null) {
			if (cause instanceof ChatTemplateException raised) {
				return raised.getMessage();
			}
			cause = cause.getCause();
		}
		return error.getMessage();
	}

	private static Jinjava jinja() {
		CompositeELResolver resolver = new CompositeELResolver();
		resolver.add(new PythonStringMethods());
		resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
		JinjavaConfig config = JinjavaConfig.newBuilder()
			.withTrimBlocks(true)
			.withLstripBlocks(true)
			.withElResolver(resolver)
			.withMaxOutputSize(16L * 1024 * 1024)
			.withLegacyOverrides(LegacyOverrides.newBuilder()
				.withUseTrimmingForNotesAndExpressions(true)
				.withEvaluateMapKeys(true)
				.withKeepNullableLoopValues(true)
				.build())
			.build();
		ExpressionFactory expressions = expressions();
		Jinjava jinja = new Jinjava(config) {

			@Override
			public ExpressionFactory getExpressionFactory() {
				return expressions;
			}

		};
		jinja.getGlobalContext()
			.registerFunction(new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class,
					"raiseException", String.class));
		jinja.getGlobalContext()
			.registerFunction(new ELFunctionDefinition("", "strftime_now", TemplateFunctions.class, "strftimeNow",
					String.class));
		jinja.getGlobalContext().registerFilter(new ToJson());
		return jinja;
	}

	/** Jinjava's own expression factory, but with Jinja's precedence for {@code not}. */
	private static ExpressionFactory expressions() {
		Properties properties = new Properties();
		properties.setProperty(TreeBuilder.class.getName(), PythonPrecedenceBuilder.class.getName());
		return new ExpressionFactoryImpl(properties, new TruthyTypeConverter());
	}

	/** Hugging Face's {@code tojson}: Python's {@code json.dumps}, non-ASCII kept. */
	static final class ToJson implements Filter {

		@Override
		public String getName() {
			return "tojson";
		}

		@Override
		public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
			return filter(value, interpreter, args, Map.of());
		}

		@Override
		public Object filter(@Nullable Object value, JinjavaInterpreter interpreter, Object[] args,
				Map<String, Object> kwargs) {
			Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0) ? args[0] : null;
			boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
			Integer spaces = (indent instanceof Number number) ? Integer.valueOf(number.intValue())
					: (indent instanceof String text && !text.isBlank()) ? Integer.valueOf(text.trim()) : null;
			return PythonJson.dumps(value, spaces, sortKeys);
		}

	}

}
