package dev.enclave.shared;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

class MappedTests {

	private static final String KEY = "dev.enclave.shared.MappedTests";

	private final AtomicInteger restored = new AtomicInteger();

	@BeforeEach
	void register() {
		ContextRegistry.getInstance().registerThreadLocalAccessor(new Counting());
	}

	@AfterEach
	void unregister() {
		ContextRegistry.getInstance().removeThreadLocalAccessor(KEY);
	}

	@Test
	void dropsWhatMapsToNullAndKeepsTheOrder() {
		List<String> mapped = Mapped.dropNulls(Flux.range(1, 6), (i) -> (i % 2 == 0) ? "even " + i : null)
			.collectList()
			.block();

		assertThat(mapped).containsExactly("even 2", "even 4", "even 6");
	}

	@Test
	void restoresNoThreadLocalAroundItems() {
		List<Integer> mapped = Mapped.dropNulls(Flux.range(1, 4), (i) -> i)
			.contextWrite((context) -> context.put(KEY, "request"))
			.collectList()
			.block();

		assertThat(mapped).containsExactly(1, 2, 3, 4);
		assertThat(this.restored).hasValue(0);
	}

	@Test
	void mapNotNullWouldHaveRestoredThemAroundEveryItem() {
		Flux.range(1, 4).mapNotNull((i) -> i).contextWrite((context) -> context.put(KEY, "request")).blockLast();

		assertThat(this.restored).hasValueGreaterThanOrEqualTo(4);
	}

	/** Counts how often Reactor sets the value into the thread. */
	private final class Counting implements ThreadLocalAccessor<String> {

		@Override
		public Object key() {
			return KEY;
		}

		@Override
		public String getValue() {
			return null;
		}

		@Override
		public void setValue(String value) {
			MappedTests.this.restored.incrementAndGet();
		}

		@Override
		public void setValue() {
		}

		@Override
		public void restore() {
		}

	}

}
