package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolCallStatus;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolOutcome;
import dev.enclave.tools.ToolVerdict;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import dev.enclave.observability.EnclaveMeter;
import dev.enclave.observability.EnclaveObservation;
import dev.enclave.observability.Observed;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Runs allowed calls within their timeout and behind a Resilience4j breaker per tool, and
 * counts them ({@code enclave_tool_calls_total{tool,status}},
 * {@code enclave_tool_call_duration_seconds{tool}}), each run in an {@code enclave.tool.call}
 * span tagged with the tool's name and mode. Arguments and results are never logged or traced:
 * a failure is logged with the tool's name and the exception's type only.
 */
public final class DefaultToolExecutor implements ToolExecutor {

	private static final Logger log = LoggerFactory.getLogger(DefaultToolExecutor.class);

	private final ToolsSettings settings;

	private final CircuitBreakerRegistry breakers;

	private final MeterRegistry meters;

	private final Clock clock;

	private final ToolResults results;

	private final ObservationRegistry observations;

	public DefaultToolExecutor(ToolsSettings settings, CircuitBreakerRegistry breakers, MeterRegistry meters,
			ObservationRegistry observations, Clock clock) {
		this.settings = settings;
		this.observations = observations;
		this.breakers = breakers;
		this.meters = meters;
		this.clock = clock;
		this.results = new ToolResults(settings.resultMaxBytes());
	}

	@Override
	public Mono<ToolOutcome> run(ToolVerdict.Allowed call, ToolCallContext context) {
		ToolDefinition definition = call.tool().definition();
		String name = definition.name();
		return Mono.defer(() -> {
			long started = System.nanoTime();
			KeyValues tags = KeyValues.of(EnclaveMeter.Tags.TOOL.asString(), name, EnclaveMeter.Tags.MODE.asString(),
					definition.mode().name().toLowerCase(java.util.Locale.ROOT));
			return Observed
				.mono(this.observations, EnclaveObservation.TOOL_CALL, tags,
						Mono.defer(() -> call.tool().call(context, call.arguments())).timeout(definition.timeout()))
				.transformDeferred(CircuitBreakerOperator.of(breaker(name)))
				.map((result) -> outcome(name, ToolCallStatus.SUCCEEDED, this.results.result(name, result), started))
				.switchIfEmpty(Mono.fromSupplier(() -> outcome(name, ToolCallStatus.SUCCEEDED,
						this.results.result(name, tools.jackson.databind.node.NullNode.getInstance()), started)))
				.onErrorResume((failure) -> Mono.just(failed(name, definition, failure, started)));
		});
	}

	@Override
	public ToolOutcome refused(ToolVerdict verdict) {
		if (verdict instanceof ToolVerdict.Allowed) {
			throw new IllegalArgumentException("An allowed call is run, not refused");
		}
		String name = verdict.name();
		ToolCallStatus status = (verdict instanceof ToolVerdict.Unknown) ? ToolCallStatus.UNKNOWN
				: (verdict instanceof ToolVerdict.Denied) ? ToolCallStatus.DENIED : ToolCallStatus.INVALID;
		count(name, status);
		return new ToolOutcome(name, status, this.results.error(name, verdict.message()), Duration.ZERO);
	}

	@Override
	public ToolOutcome refused(String name, ToolCallStatus status, String message) {
		count(name, status);
		return new ToolOutcome(name, status, this.results.error(name, message), Duration.ZERO);
	}

	private ToolOutcome failed(String name, ToolDefinition definition, Throwable failure, long started) {
		if (failure instanceof TimeoutException) {
			return outcome(name, ToolCallStatus.TIMED_OUT,
					this.results.error(name, "The tool did not answer within " + definition.timeout().toMillis() + " ms."),
					started);
		}
		if (failure instanceof CallNotPermittedException) {
			return outcome(name, ToolCallStatus.UNAVAILABLE,
					this.results.error(name, "The tool is temporarily unavailable after repeated failures."), started);
		}
		log.atWarn()
			.addKeyValue("tool", name)
			.addKeyValue("error", failure.getClass().getSimpleName())
			.log("Tool {} failed ({})", name, failure.getClass().getSimpleName());
		String message = (failure instanceof ToolFailure shown) ? shown.getMessage() : "The tool failed.";
		return outcome(name, ToolCallStatus.FAILED, this.results.error(name, message), started);
	}

	private ToolOutcome outcome(String name, ToolCallStatus status, String forModel, long started) {
		Duration duration = Duration.ofNanos(System.nanoTime() - started);
		count(name, status);
		Timer.builder(EnclaveMeter.TOOL_CALL_DURATION.getName())
			.description(EnclaveMeter.TOOL_CALL_DURATION.description())
			.tag(EnclaveMeter.Tags.TOOL.asString(), name)
			.register(this.meters)
			.record(duration);
		return new ToolOutcome(name, status, forModel, duration);
	}

	private void count(String name, ToolCallStatus status) {
		this.meters.counter(EnclaveMeter.TOOL_CALLS.getName(), EnclaveMeter.Tags.TOOL.asString(), name,
				EnclaveMeter.Tags.STATUS.asString(), status.label())
			.increment();
	}

	private CircuitBreaker breaker(String name) {
		ToolsSettings.Breaker limits = this.settings.breaker();
		return this.breakers.circuitBreaker("tool-" + name, () -> CircuitBreakerConfig.custom()
			.failureRateThreshold(limits.failureRateThreshold())
			.slidingWindowSize(limits.slidingWindow())
			.minimumNumberOfCalls(limits.minimumCalls())
			.waitDurationInOpenState(limits.openDuration())
			.clock(this.clock)
			.build());
	}

}
