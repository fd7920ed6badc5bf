package dev.enclave.observability;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Wraps reactive work in one of {@link EnclaveObservation}'s spans: started on subscription,
 * a child of the request's span, the parent of whatever the work observes (queries, HTTP
 * calls), and stopped with an {@code outcome} of {@code ok}, {@code error} or
 * {@code cancelled}. The span is also a timer with SLO buckets.
 */
public final class Observed {

	private Observed() {
	}

	/** Observes every signal of {@code work} until it completes, fails or is cancelled. */
	public static <T> Flux<T> flux(ObservationRegistry registry, EnclaveObservation span, KeyValues tags,
			Flux<T> work) {
		if (registry.isNoop()) {
			return work;
		}
		return Flux.deferContextual((context) -> {
			Observation observation = start(registry, span, tags,
					context.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
			return work.doOnError(observation::error)
				.doFinally((signal) -> stop(observation, signal))
				.contextWrite((inner) -> inner.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	/** Observes {@code work} until it answers, fails or is cancelled. */
	public static <T> Mono<T> mono(ObservationRegistry registry, EnclaveObservation span, KeyValues tags,
			Mono<T> work) {
		if (registry.isNoop()) {
			return work;
		}
		return Mono.deferContextual((context) -> {
			Observation observation = start(registry, span, tags,
					context.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
			return work.doOnError(observation::error)
				.doFinally((signal) -> stop(observation, signal))
				.contextWrite((inner) -> inner.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	private static Observation start(ObservationRegistry registry, EnclaveObservation span, KeyValues tags,
			Observation parent) {
		Observation observation = span.observation(registry)
			.contextualName(span.getContextualName())
			.lowCardinalityKeyValues(tags);
		if (parent != null) {
			observation.parentObservation(parent);
		}
		return observation.start();
	}

	private static void stop(Observation observation, SignalType signal) {
		String outcome;
		if (observation.getContext().getError() != null) {
			outcome = EnclaveObservation.ERROR;
		}
		else if (signal == SignalType.CANCEL) {
			outcome = EnclaveObservation.CANCELLED;
		}
		else {
			outcome = EnclaveObservation.OK;
		}
		observation.lowCardinalityKeyValue(EnclaveMeter.Tags.OUTCOME.asString(), outcome).stop();
	}

}
