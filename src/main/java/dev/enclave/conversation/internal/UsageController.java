package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.enclave.gateway.ApiException;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's token usage for administrators and auditors: numbers from the usage ledger,
 * never content.
 */
@RestController
@Tag(name = "Usage", description = "The tenant's token usage (scope usage:read: ADMIN and AUDITOR)")
class UsageController {

	/** The longest range one report may cover. */
	static final Duration MAX_RANGE = Duration.ofDays(366);

	private static final Duration DEFAULT_RANGE = Duration.ofDays(30);

	/**
	 * The instants a report may name: ISO-8601's four-digit years. Java parses years up to
	 * a billion, but PostgreSQL's timestamps end in 294276, and a far date is no report anyway.
	 */
	private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

	private final UsageReports reports;

	private final Clock clock;

	UsageController(UsageReports reports, Clock clock) {
		this.reports = reports;
		this.clock = clock;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record UsageGroup(String group, long requests, long promptTokens, long completionTokens, long totalTokens,
			long cacheHits) {

		static UsageGroup of(UsageReports.Row row) {
			return new UsageGroup(row.group(), row.requests(), row.promptTokens(), row.completionTokens(),
					row.promptTokens() + row.completionTokens(), row.cacheHits());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record UsageReport(List<UsageGroup> data, Instant from, Instant to, String groupBy) {
	}

	@GetMapping(path = "/api/v1/usage", produces = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_usage:read')")
	@Operation(summary = "Token usage of the tenant, grouped by day, model or API key",
			description = "Counts completions and embeddings served in [from, to): requests and prompt, completion "
					+ "and total tokens, and how many requests the response cache answered. Days are UTC; group_by=key "
					+ "covers API keys only, labelled by key id.")
	Mono<UsageReport> usage(@AuthenticationPrincipal Principal caller,
			@Parameter(description = "ISO date (start of that day, UTC) or instant; default 30 days before to")
			@RequestParam(required = false) @Nullable String from,
			@Parameter(description = "ISO date (through the end of that day, UTC) or instant; default now")
			@RequestParam(required = false) @Nullable String to,
			@Parameter(description = "day, model or key; default day")
			@RequestParam(name = "group_by", required = false) @Nullable String groupBy) {
		return Mono.defer(() -> {
			UsageReports.Grouping grouping = grouping(groupBy);
			Instant end = (to != null) ? instant("to", to, true) : this.clock.instant();
			Instant start = (from != null) ? instant("from", from, false) : end.minus(DEFAULT_RANGE);
			if (start.isAfter(end)) {
				throw ApiException.invalidParam("from", "from must not be after to");
			}
			if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
				throw ApiException.invalidParam("from", "A report covers at most " + MAX_RANGE.toDays() + " days");
			}
			return this.reports.totals(caller.tenantId(), start, end, grouping)
				.map(UsageGroup::of)
				.collectList()
				.map((groups) -> new UsageReport(groups, start, end, grouping.value()));
		});
	}

	private static UsageReports.Grouping grouping(@Nullable String groupBy) {
		if (groupBy == null) {
			return UsageReports.Grouping.DAY;
		}
		return Arrays.stream(UsageReports.Grouping.values())
			.filter((grouping) -> grouping.value().equals(groupBy.toLowerCase(Locale.ROOT)))
			.findFirst()
			.orElseThrow(() -> ApiException.invalidParam("group_by", "must be one of "
					+ Arrays.stream(UsageReports.Grouping.values())
						.map(UsageReports.Grouping::value)
						.collect(Collectors.joining(", "))));
	}

	/**
	 * An instant, or a date: the start of that day (UTC), or for the end of a range the start
	 * of the next, so {@code to=2026-01-31} includes the 31st.
	 */
	private static Instant instant(String param, String value, boolean end) {
		Instant instant;
		try {
			if (value.length() == 10) {
				LocalDate day = LocalDate.parse(value);
				instant = (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
			}
			else {
				instant = Instant.parse(value);
			}
		}
		catch (DateTimeParseException ex) {
			throw ApiException.invalidParam(param, "must be an ISO date (2026-01-31) or instant (2026-01-31T12:00:00Z)");
		}
		if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
			throw ApiException.invalidParam(param, "must be within the years 1 to 9999");
		}
		return instant;
	}

}
