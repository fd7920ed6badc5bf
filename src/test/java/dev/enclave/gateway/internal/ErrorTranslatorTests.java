package dev.enclave.gateway.internal;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import io.r2dbc.spi.R2dbcBadGrammarException;
import org.junit.jupiter.api.Test;

import org.springframework.core.MethodParameter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.r2dbc.BadSqlGrammarException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerErrorException;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases the bad-input sweep (BadInputSweepIT) found answered with a 500. */
class ErrorTranslatorTests {

	private final ErrorTranslator translator = new ErrorTranslator();

	@Test
	void aPathVariableThatConvertsToNothingIsTheClientsError() throws NoSuchMethodException {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/things/%20"));
		exchange.getAttributes().put(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("id", " "));
		ApiException error = this.translator.translate(new ServerErrorException("id", idParameter(), null), exchange);
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(error.param()).isEqualTo("id");
		assertThat(error.getMessage()).isEqualTo("must be a valid UUID");
	}

	@Test
	void aPathVariableMissingFromTheRouteStaysA500() throws NoSuchMethodException {
		// No such variable in the matched template: the handler and its route disagree, a bug.
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/things"));
		ApiException error = this.translator.translate(new ServerErrorException("id", idParameter(), null), exchange);
		assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
	}

	@Test
	void textWithANulCharacterIsRefusedAndOtherDatabaseErrorsAreNot() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/things"));
		ApiException nul = this.translator.translate(new BadSqlGrammarException("execute", "INSERT",
				new R2dbcBadGrammarException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")), exchange);
		assertThat(nul.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(nul.getMessage()).doesNotContain("UTF8").doesNotContain("INSERT");
		ApiException bug = this.translator.translate(new BadSqlGrammarException("execute", "INSERT",
				new R2dbcBadGrammarException("relation does not exist", "42P01")), exchange);
		assertThat(bug.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
	}

	private static MethodParameter idParameter() throws NoSuchMethodException {
		Method handler = ErrorTranslatorTests.class.getDeclaredMethod("handler", UUID.class);
		return new MethodParameter(handler, 0);
	}

	@SuppressWarnings("unused")
	private static void handler(@PathVariable UUID id) {
	}

}
