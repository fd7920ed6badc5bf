package dev.enclave.support;

import java.time.Clock;
import java.util.Map;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.ErrorResponses;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.SmartValidator;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request body read and validated as a WebFlux handler's {@code @RequestBody} is, without a
 * server: the application's own {@code JsonMapper} and bean validator (Spring Boot's, configured
 * from {@code application.yml}, nothing else of the application started), the JSON codec, and the
 * exceptions WebFlux raises, translated by the application's one error mapper. So a fuzz test of
 * a body sees exactly the value a handler would get, or the error response a client would.
 */
public final class RequestBinding {

	private static final AnnotationConfigApplicationContext CONTEXT = start();

	private static final JsonMapper JSON = CONTEXT.getBean(JsonMapper.class);

	private static final SmartValidator VALIDATOR = CONTEXT.getBean(SmartValidator.class);

	private static final JacksonJsonDecoder DECODER = new JacksonJsonDecoder(JSON);

	private static final ErrorResponses ERRORS = new ErrorResponses(JSON, Clock.systemUTC());

	private RequestBinding() {
	}

	private static AnnotationConfigApplicationContext start() {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		new ConfigDataApplicationContextInitializer().initialize(context);
		context.register(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class);
		context.refresh();
		return context;
	}

	/** The application's JSON mapper. */
	public static JsonMapper json() {
		return JSON;
	}

	/**
	 * The body as {@code type}, as the JSON codec reads it. A body that cannot be read, or
	 * none ({@code null}, nothing), throws what the client would be told: a clean
	 * {@code invalid_request}, which this checks.
	 */
	public static <T> T read(byte[] body, Class<T> type) {
		T value;
		try {
			value = DECODER.decodeToMono(Mono.just(DefaultDataBufferFactory.sharedInstance.wrap(body)),
					ResolvableType.forClass(type), MediaType.APPLICATION_JSON, Map.of())
				.cast(type)
				.block();
		}
		catch (DecodingException ex) {
			// What AbstractMessageReaderArgumentResolver makes of a decoding failure.
			throw refused(new ServerWebInputException("Failed to read HTTP message", null, ex));
		}
		if (value == null) {
			throw refused(new ServerWebInputException("No request body"));
		}
		return value;
	}

	/**
	 * Validates {@code value} as {@code @Valid} on {@code parameter} does; a violation throws
	 * what the client would be told, a clean {@code invalid_request} naming the fields.
	 */
	public static void validate(Object value, MethodParameter parameter) {
		BeanPropertyBindingResult errors = new BeanPropertyBindingResult(value, "request");
		VALIDATOR.validate(value, errors);
		if (errors.hasErrors()) {
			throw refused(new WebExchangeBindException(parameter, errors));
		}
	}

	/**
	 * Checks that {@code error} answers a client's mistake: a 4xx whose envelope can be
	 * written, never an {@code internal_error}.
	 */
	public static ApiException assertClientError(ApiException error) {
		assertThat(error.code()).as("the code of: %s", error.getMessage()).isNotEqualTo(ErrorCode.INTERNAL_ERROR);
		assertThat(error.code().status().is4xxClientError()).as("a 4xx for %s", error.code()).isTrue();
		assertThat(ERRORS.envelopeJson(exchange(), error)).contains(error.code().code());
		return error;
	}

	private static ApiException refused(Throwable failure) {
		ApiException error = ERRORS.translate(exchange(), failure);
		assertClientError(error);
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
		return error;
	}

	private static ServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.post("/fuzzed"));
	}

}
