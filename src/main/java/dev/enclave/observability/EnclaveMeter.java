package dev.enclave.observability;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * Every metric Enclave records itself, with its tags: the one list the dashboards, alerts
 * and autoscaling rules are written against. Names are Micrometer's; Prometheus adds
 * {@code _total} to counters, {@code _seconds} to timers and the base unit to the rest.
 * Inference metrics follow vLLM's names so its dashboards and autoscaling rules translate.
 * No tag ever holds a user, tenant, key or conversation id, or anything a client wrote.
 * Libraries' meters keep their names and pass the same tag rules: Spring's
 * {@code http.server.requests} and {@code http.client.requests}, R2DBC's {@code r2dbc.query}
 * and pool, Resilience4j's breakers, and Micrometer's cache binder on every encrypted cache
 * ({@code cache.gets} by {@code cache} and {@code result}: the hit ratio).
 */
public enum EnclaveMeter implements MeterDocumentation {

	/** Generations in the batch, per model. */
	INFERENCE_REQUESTS_RUNNING("enclave.inference.requests.running", Meter.Type.GAUGE, "Generations in the batch",
			Tags.MODEL),

	/** Generations waiting to start, per model: the queue depth autoscaling watches. */
	INFERENCE_REQUESTS_WAITING("enclave.inference.requests.waiting", Meter.Type.GAUGE,
			"Generations waiting to start", Tags.MODEL),

	/** KV cache held by running generations, as a ratio of the budget. */
	INFERENCE_KV_CACHE_USAGE("enclave.inference.kv.cache.usage.ratio", Meter.Type.GAUGE,
			"KV cache held by running generations, of the budget", Tags.MODEL),

	INFERENCE_PREFIX_CACHE_QUERIES("enclave.inference.prefix.cache.queries", Meter.Type.COUNTER,
			"Prompt tokens looked up in the prefix cache", Tags.MODEL),

	INFERENCE_PREFIX_CACHE_HITS("enclave.inference.prefix.cache.hits", Meter.Type.COUNTER,
			"Prompt tokens found in the prefix cache", Tags.MODEL),

	INFERENCE_TIME_TO_FIRST_TOKEN("enclave.inference.time.to.first.token", Meter.Type.TIMER,
			"From a request's arrival to its first token", Tags.MODEL),

	INFERENCE_INTER_TOKEN_LATENCY("enclave.inference.inter.token.latency", Meter.Type.TIMER,
			"Between two tokens of one answer", Tags.MODEL),

	INFERENCE_E2E_REQUEST_LATENCY("enclave.inference.e2e.request.latency", Meter.Type.TIMER,
			"From a request's arrival to its last token", Tags.MODEL),

	INFERENCE_QUEUE_TIME("enclave.inference.queue.time", Meter.Type.TIMER, "From a request's arrival to its start",
			Tags.MODEL),

	INFERENCE_PROMPT_TOKENS("enclave.inference.prompt.tokens", Meter.Type.COUNTER,
			"Prompt tokens of started generations", Tags.MODEL),

	/** Tokens generated; its rate is the engine's tokens per second. */
	INFERENCE_GENERATION_TOKENS("enclave.inference.generation.tokens", Meter.Type.COUNTER, "Tokens generated",
			Tags.MODEL),

	INFERENCE_PREEMPTIONS("enclave.inference.preemptions", Meter.Type.COUNTER,
			"Generations preempted and requeued for recompute", Tags.MODEL),

	INFERENCE_OOM_RECOVERIES("enclave.inference.oom.recoveries", Meter.Type.COUNTER,
			"Steps that ran out of memory and were recovered", Tags.MODEL),

	INFERENCE_BATCH_SIZE("enclave.inference.batch.size", Meter.Type.DISTRIBUTION_SUMMARY, "Sequences in one step",
			Tags.MODEL),

	/**
	 * A device's memory in use, for each device a local model runs on ({@code gpu0},
	 * {@code gpu1}, ... as CUDA reports it, every process's; {@code cpu}: the host's, less what
	 * the kernel counts as available).
	 */
	DEVICE_MEMORY_USED("enclave.device.memory.used", Meter.Type.GAUGE, "Memory in use on a device the engine runs on",
			Tags.DEVICE),

	/** A device's memory in all. */
	DEVICE_MEMORY_TOTAL("enclave.device.memory.total", Meter.Type.GAUGE, "Memory in all on a device the engine runs on",
			Tags.DEVICE),

	/** Requests to model servers, by outcome ({@code ok}, {@code timeout}, {@code server_error}, ...). */
	UPSTREAM_REQUESTS("enclave.upstream.requests", Meter.Type.COUNTER, "Requests to model servers, by outcome",
			Tags.BACKEND, Tags.OUTCOME),

	UPSTREAM_FAILOVERS("enclave.upstream.failovers", Meter.Type.COUNTER,
			"Requests tried again on another model server before their first token", Tags.MODEL),

	/** 1 while a model server answers its health check, 0 while it does not. */
	UPSTREAM_UP("enclave.upstream.up", Meter.Type.GAUGE, "Whether a model server answered its last health check",
			Tags.BACKEND),

	/** Rate-limit decisions by outcome ({@code allowed}, {@code rejected}, ...) and limit. */
	RATELIMIT_DECISIONS("enclave.ratelimit.decisions", Meter.Type.COUNTER, "Rate limit decisions", Tags.OUTCOME,
			Tags.LIMIT),

	/** Requests refused or shed before or during admission, by reason: the limit met, or why it was shed. */
	ADMISSION_REJECTIONS("enclave.admission.rejections", Meter.Type.COUNTER,
			"Requests refused or shed before or during admission", Tags.REASON),

	CACHE_PURGES("enclave.cache.purges", Meter.Type.COUNTER,
			"Entries removed because their tenant or conversation was purged", Tags.CACHE, Tags.SCOPE),

	/** Tool calls by tool and status ({@code succeeded}, {@code failed}, {@code denied}, ...). */
	TOOL_CALLS("enclave.tool.calls", Meter.Type.COUNTER, "Tool calls by tool and status", Tags.TOOL, Tags.STATUS),

	TOOL_CALL_DURATION("enclave.tool.call.duration", Meter.Type.TIMER, "How long a tool took to answer", Tags.TOOL),

	TOOL_APPROVALS("enclave.tool.approvals", Meter.Type.COUNTER, "Approval decisions by tool and outcome", Tags.TOOL,
			Tags.STATUS),

	TOOL_APPROVALS_PENDING("enclave.tool.approvals.pending", Meter.Type.GAUGE, "Tool calls waiting for a decision"),

	/** Lines the encrypted log files did not take, by reason ({@code queue_full}, {@code write_failed}). */
	LOG_FILE_LINES_DROPPED("enclave.log.file.lines.dropped", Meter.Type.COUNTER,
			"Log lines not written to the encrypted log files", Tags.REASON);

	private final String name;

	private final Meter.Type type;

	private final String description;

	private final KeyName[] keyNames;

	EnclaveMeter(String name, Meter.Type type, String description, KeyName... keyNames) {
		this.name = name;
		this.type = type;
		this.description = description;
		this.keyNames = keyNames;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Meter.Type getType() {
		return this.type;
	}

	@Override
	public KeyName[] getKeyNames() {
		return this.keyNames;
	}

	/** What it measures, for the meter's description. */
	public String description() {
		return this.description;
	}

	/** The tags Enclave's own meters use: small fixed vocabularies or operator-configured names. */
	public enum Tags implements KeyName {

		/** A model's configured name. */
		MODEL("model"),
		/** {@code cpu}, {@code gpu0}, {@code gpu1}, ... */
		DEVICE("device"),
		/** A model server's configured name. */
		BACKEND("backend"),
		OUTCOME("outcome"),
		/** {@code requests}, {@code concurrency}, {@code tokens_per_minute}, ... */
		LIMIT("limit"),
		REASON("reason"),
		/** An encrypted cache's name. */
		CACHE("cache"),
		/** {@code tenant} or {@code conversation}. */
		SCOPE("scope"),
		/** A tool's registered name. */
		TOOL("tool"),
		STATUS("status"),
		/** {@code local} or {@code remote}. */
		ENGINE("engine"),
		/** {@code read} or {@code write}. */
		MODE("mode");

		private final String key;

		Tags(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
