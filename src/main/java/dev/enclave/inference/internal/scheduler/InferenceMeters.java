package dev.enclave.inference.internal.scheduler;

/**
 * The scheduler's metrics, in one place: Micrometer names (Prometheus adds {@code _total} to
 * counters and {@code _seconds} to timers), named after vLLM's so its dashboards and
 * autoscaling rules translate. Every one has the tag {@code model} and no other: never a
 * tenant, user or conversation.
 */
enum InferenceMeters {

	REQUESTS_RUNNING("enclave.inference.requests.running", "Generations in the batch"),

	REQUESTS_WAITING("enclave.inference.requests.waiting", "Generations waiting to start"),

	KV_CACHE_USAGE("enclave.inference.kv.cache.usage.ratio", "KV cache held by running generations, of the budget"),

	PREFIX_CACHE_QUERIES("enclave.inference.prefix.cache.queries", "Prompt tokens looked up in the prefix cache"),

	PREFIX_CACHE_HITS("enclave.inference.prefix.cache.hits", "Prompt tokens found in the prefix cache"),

	TIME_TO_FIRST_TOKEN("enclave.inference.time.to.first.token", "From a request's arrival to its first token"),

	INTER_TOKEN_LATENCY("enclave.inference.inter.token.latency", "Between two tokens of one answer"),

	E2E_REQUEST_LATENCY("enclave.inference.e2e.request.latency", "From a request's arrival to its last token"),

	QUEUE_TIME("enclave.inference.queue.time", "From a request's arrival to its start"),

	PROMPT_TOKENS("enclave.inference.prompt.tokens", "Prompt tokens of started generations"),

	GENERATION_TOKENS("enclave.inference.generation.tokens", "Tokens generated"),

	PREEMPTIONS("enclave.inference.preemptions", "Generations preempted and requeued for recompute"),

	OOM_RECOVERIES("enclave.inference.oom.recoveries", "Steps that ran out of memory and were recovered"),

	BATCH_SIZE("enclave.inference.batch.size", "Sequences in one step");

	static final String MODEL_TAG = "model";

	private final String meterName;

	private final String description;

	InferenceMeters(String meterName, String description) {
		this.meterName = meterName;
		this.description = description;
	}

	String meterName() {
		return this.meterName;
	}

	String description() {
		return this.description;
	}

}
