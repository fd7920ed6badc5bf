package dev.enclave.inference.internal.remote;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How Enclave treats every model server behind it ({@code enclave.inference.upstream.*}).
 *
 * @param healthInterval how often each server's {@code GET /models} is checked
 * @param healthTimeout how long one check may take
 * @param poolMaxIdleTime how long an idle connection is kept for reuse: below the 5 s
 * keep-alive of uvicorn (vLLM, SGLang), so Enclave never reuses a connection the server is
 * closing at that moment
 * @param pendingAcquireTimeout how long a request may wait for a pooled connection
 * @param maxResponseSize the largest response (or streamed event) read from a server,
 * embeddings included
 * @param breaker when a server's circuit breaker opens and for how long
 */
public record UpstreamSettings(@DefaultValue("10s") Duration healthInterval, @DefaultValue("3s") Duration healthTimeout,
		@DefaultValue("4s") Duration poolMaxIdleTime, @DefaultValue("5s") Duration pendingAcquireTimeout,
		@DefaultValue("16MB") DataSize maxResponseSize, @DefaultValue @Valid Breaker breaker) {

	/**
	 * A Resilience4j circuit breaker per server, over its last requests: connection
	 * failures, timeouts, 5xx answers and broken streams count against it; a client's own
	 * mistakes (4xx) and the server's 429 do not.
	 *
	 * @param failureRateThreshold the percentage of failed requests that opens it
	 * @param slidingWindow how many of the last requests it looks at
	 * @param minimumCalls how many requests it needs before it judges
	 * @param openDuration how long it stays open before it lets trial requests through
	 * @param halfOpenCalls how many trial requests decide whether it closes again
	 */
	public record Breaker(@DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
			@DefaultValue("20") @Positive int slidingWindow, @DefaultValue("5") @Positive int minimumCalls,
			@DefaultValue("30s") Duration openDuration, @DefaultValue("2") @Positive int halfOpenCalls) {
	}

}
