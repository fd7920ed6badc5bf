package dev.enclave.observability.internal;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules every meter passes, whoever registers it. */
class TagRulesTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	TagRulesTests() {
		this.registry.config().meterFilter(new TagRules());
	}

	@Test
	void aTagNamingAPersonTenantKeyOrConversationIsDroppedWhateverItsCase() {
		Counter counter = Counter.builder("library.calls")
			.tag("outcome", "ok")
			.tag("userId", "u-42")
			.tag("Tenant_ID", "acme")
			.tag("conversation", "c-1")
			.tag("api_key", "ek_live_x")
			.tag("model", "demo")
			.register(this.registry);
		assertThat(counter.getId().getTags()).extracting((tag) -> tag.getKey()).containsExactly("model", "outcome");
	}

	@Test
	void meterIdsWithoutForbiddenTagsAreLeftAsTheyAre() {
		Meter.Id id = new Meter.Id("x", io.micrometer.core.instrument.Tags.of("tool", "kb"), null, null,
				Meter.Type.COUNTER);
		assertThat(new TagRules().map(id)).isSameAs(id);
	}

	@Test
	void httpServerTimersGetTheirSloBucketsAndOthersNone() {
		Timer http = Timer.builder("http.server.requests").tag("uri", "/v1/models").register(this.registry);
		http.record(Duration.ofMillis(30));
		Timer other = Timer.builder("library.latency").register(this.registry);
		other.record(Duration.ofMillis(30));
		CountAtBucket[] buckets = http.takeSnapshot().histogramCounts();
		assertThat(buckets).extracting((bucket) -> bucket.bucket(java.util.concurrent.TimeUnit.MILLISECONDS))
			.contains(5.0, 25.0, 50.0, 250.0, 1000.0, 60_000.0);
		// The 30 ms request is in every bucket from 50 ms up, and in none below.
		assertThat(buckets).filteredOn((bucket) -> bucket.bucket(java.util.concurrent.TimeUnit.MILLISECONDS) == 25.0)
			.singleElement()
			.satisfies((bucket) -> assertThat(bucket.count()).isZero());
		assertThat(buckets).filteredOn((bucket) -> bucket.bucket(java.util.concurrent.TimeUnit.MILLISECONDS) == 50.0)
			.singleElement()
			.satisfies((bucket) -> assertThat(bucket.count()).isEqualTo(1));
		assertThat(other.takeSnapshot().histogramCounts()).isEmpty();
	}

}
