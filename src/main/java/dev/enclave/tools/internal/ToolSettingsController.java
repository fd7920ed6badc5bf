package dev.enclave.tools.internal;

import dev.enclave.gateway.ApiException;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A tenant's tool settings, for its administrators; changes are audited. */
@RestController
@Tag(name = "Tools")
@RequestMapping(path = "/api/v1/tools/settings", produces = MediaType.APPLICATION_JSON_VALUE)
class ToolSettingsController {

	private final TenantToolSettings settings;

	private final AuditLog audit;

	ToolSettingsController(TenantToolSettings settings, AuditLog audit) {
		this.settings = settings;
		this.audit = audit;
	}

	/**
	 * @param maxSteps the tenant's own bound on rounds of tool calls per turn; null follows
	 * the installation's
	 * @param effectiveMaxSteps the bound that applies
	 * @param installationMaxSteps the installation's bound, which the tenant's cannot exceed
	 */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SettingsView(@Nullable Integer maxSteps, int effectiveMaxSteps, int installationMaxSteps) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SettingsRequest(@Nullable @Min(1) @Max(64) Integer maxSteps) {
	}

	@GetMapping
	@PreAuthorize("hasAuthority('SCOPE_admin')")
	@Operation(summary = "The tenant's tool settings")
	Mono<SettingsView> get(@AuthenticationPrincipal Principal caller) {
		return view(caller);
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_admin')")
	@Operation(summary = "Change the tenant's tool settings",
			description = "max_steps bounds the rounds of tool calls one turn may make; null follows the installation.")
	Mono<SettingsView> put(@AuthenticationPrincipal Principal caller, @Valid @RequestBody SettingsRequest request) {
		Integer steps = request.maxSteps();
		if (steps != null && steps > this.settings.installationMaxSteps()) {
			return Mono.error(ApiException.invalidParam("max_steps",
					"must be at most the installation's " + this.settings.installationMaxSteps()));
		}
		return this.settings.setMaxSteps(caller.tenantId(), steps, caller.subjectId())
			.then(this.audit.record(AuditEvent.by(caller, "tool_settings_changed", "max_steps")))
			.then(view(caller));
	}

	private Mono<SettingsView> view(Principal caller) {
		return this.settings.ownMaxSteps(caller.tenantId())
			.map((own) -> new SettingsView(own, Math.min(own, this.settings.installationMaxSteps()),
					this.settings.installationMaxSteps()))
			.defaultIfEmpty(new SettingsView(null, this.settings.installationMaxSteps(),
					this.settings.installationMaxSteps()));
	}

}
