package dev.enclave.identity.internal;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class PlainFilterChainsTests {

	private final List<String> ran = new ArrayList<>();

	private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models"));

	private final WebFilterChain rest = (exchange) -> Mono.fromRunnable(() -> this.ran.add("rest"));

	@Test
	void theFiltersRunInOrderAndThenTheRestOfTheApplication() {
		WebFilterChain chain = new PlainFilterChains().decorate(this.rest, List.of(passing("a"), passing("b"), passing("c")));
		StepVerifier.create(chain.filter(this.exchange)).verifyComplete();
		assertThat(this.ran).containsExactly("a", "b", "c", "rest");
	}

	@Test
	void aFilterThatAnswersItselfEndsTheChain() {
		WebFilter refusing = (exchange, chain) -> Mono.fromRunnable(() -> this.ran.add("refused"));
		WebFilterChain chain = new PlainFilterChains().decorate(this.rest, List.of(passing("a"), refusing, passing("c")));
		StepVerifier.create(chain.filter(this.exchange)).verifyComplete();
		assertThat(this.ran).containsExactly("a", "refused");
	}

	@Test
	void nothingRunsBeforeSubscriptionAndErrorsReachTheSubscriber() {
		WebFilter failing = (exchange, chain) -> {
			this.ran.add("failing assembled");
			return Mono.error(new IllegalStateException("refused"));
		};
		Mono<Void> filtered = new PlainFilterChains().decorate(this.rest, List.of(passing("a"), failing)).filter(this.exchange);
		assertThat(this.ran).isEmpty();
		StepVerifier.create(filtered).verifyErrorMessage("refused");
		assertThat(this.ran).containsExactly("a", "failing assembled");
	}

	@Test
	void noFiltersIsTheRestAlone() {
		StepVerifier.create(new PlainFilterChains().decorate(this.rest, List.of()).filter(this.exchange)).verifyComplete();
		assertThat(this.ran).containsExactly("rest");
	}

	private WebFilter passing(String name) {
		return (exchange, chain) -> {
			this.ran.add(name);
			return chain.filter(exchange);
		};
	}

}
