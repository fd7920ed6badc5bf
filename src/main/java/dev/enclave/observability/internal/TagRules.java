package dev.enclave.observability.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.enclave.observability.SloBuckets;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.jspecify.annotations.Nullable;

/**
 * The rules every meter passes, whoever registered it (Enclave, Spring, R2DBC, Resilience4j):
 * a tag whose key names a person, tenant, credential or conversation is dropped before it
 * can become a Prometheus label (one series per user would both leak who uses Enclave and
 * grow without bound), and each latency timer gets its SLO buckets.
 */
final class TagRules implements MeterFilter {

	/** Tag keys that would identify someone or something they wrote; compared lower-case. */
	static final Set<String> FORBIDDEN_KEYS = Set.of("user", "user_id", "userid", "subject", "sub", "principal",
			"tenant", "tenant_id", "tenantid", "key", "key_id", "api_key", "apikey", "conversation",
			"conversation_id", "conversationid", "session", "session_id", "email", "client_ip", "ip", "message",
			"prompt", "query", "http.url",
			// R2DBC's executing thread: one series per event-loop thread says nothing about the query.
			"r2dbc.thread");

	private static final Map<String, Duration[]> TIMER_BUCKETS = Map.of("http.server.requests",
			SloBuckets.HTTP_SERVER, "http.client.requests", SloBuckets.HTTP_CLIENT, "enclave.inference.generation",
			SloBuckets.GENERATION, "enclave.tool.call", SloBuckets.TOOL_CALL, "enclave.tool.call.duration",
			SloBuckets.TOOL_CALL, "r2dbc.query", SloBuckets.DATABASE);

	@Override
	public Meter.Id map(Meter.Id id) {
		List<Tag> kept = null;
		for (Tag tag : id.getTagsAsIterable()) {
			if (FORBIDDEN_KEYS.contains(tag.getKey().toLowerCase(Locale.ROOT))) {
				if (kept == null) {
					kept = new ArrayList<>();
					for (Tag earlier : id.getTagsAsIterable()) {
						if (earlier == tag) {
							break;
						}
						kept.add(earlier);
					}
				}
			}
			else if (kept != null) {
				kept.add(tag);
			}
		}
		return (kept != null) ? id.replaceTags(kept) : id;
	}

	@Override
	public @Nullable DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
		Duration[] buckets = (id.getType() == Meter.Type.TIMER) ? TIMER_BUCKETS.get(id.getName()) : null;
		if (buckets == null) {
			return config;
		}
		double[] nanos = new double[buckets.length];
		for (int i = 0; i < buckets.length; i++) {
			nanos[i] = buckets[i].toNanos();
		}
		return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
	}

}
