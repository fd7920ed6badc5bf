package dev.enclave.identity.internal;

import java.util.UUID;

import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.Principal;
import dev.enclave.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Tenants, for the installation's operators only (see {@link InstallationOperators}). */
@RestController
@RequestMapping(path = "/api/v1/admin/tenants", produces = MediaType.APPLICATION_JSON_VALUE)
@PreAuthorize("hasAuthority('SCOPE_admin')")
@Tag(name = "Tenants", description = "Create, list, disable and enable tenants (scope admin, installation tenant only)")
class TenantController {

	private final TenantAdministration administration;

	TenantController(TenantAdministration administration) {
		this.administration = administration;
	}

	/** The slug rule is the tenants table's CHECK constraint. */
	record CreateTenantRequest(
			@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,62}",
					message = "must be 1 to 63 lower-case letters, digits or . _ - and start with a letter or digit") String slug,
			@NotBlank @Size(max = 200) String name, @NotNull @Valid FirstAdmin admin) {
	}

	/** The same rules as for any local account (see the users API). */
	record FirstAdmin(
			@NotBlank @Size(max = 64) @Pattern(regexp = "[\\p{L}\\p{N}._@-]+",
					message = "may contain letters, digits and . _ @ - only") String username,
			@NotBlank @Size(min = 12, max = 200) String password) {
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Create a tenant with its first local administrator",
			description = "A taken slug or user name is 409. Audited in your tenant and in the new one.")
	Mono<Views.CreatedTenantView> create(@AuthenticationPrincipal Principal operator,
			@Valid @RequestBody CreateTenantRequest request) {
		return this.administration
			.create(operator, request.slug(), request.name().strip(), request.admin().username(),
					request.admin().password())
			.map((created) -> new Views.CreatedTenantView(Views.TenantAdminView.of(created.tenant(), 1L),
					Views.UserView.of(created.admin())));
	}

	@GetMapping
	@Operation(summary = "List every tenant, oldest first", description = "Pages by cursor: pass next_cursor back as cursor.")
	Mono<Page<Views.TenantAdminView>> list(@AuthenticationPrincipal Principal operator,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable Integer limit) {
		return this.administration.list(operator, PageCursor.decode(cursor), PageCursor.limit(limit, 50))
			.map((page) -> page.map((row) -> Views.TenantAdminView.of(row.tenant(), row.users())));
	}

	@PostMapping("/{id}/disable")
	@Operation(summary = "Suspend a tenant", description = "Its users and API keys are refused from their next "
			+ "request on; nothing is deleted. The installation's own tenant cannot be disabled (409).")
	Mono<Views.TenantAdminView> disable(@AuthenticationPrincipal Principal operator, @PathVariable UUID id) {
		return this.administration.setDisabled(operator, new TenantId(id), true).map(Views.TenantAdminView::of);
	}

	@PostMapping("/{id}/enable")
	@Operation(summary = "Restore a suspended tenant")
	Mono<Views.TenantAdminView> enable(@AuthenticationPrincipal Principal operator, @PathVariable UUID id) {
		return this.administration.setDisabled(operator, new TenantId(id), false).map(Views.TenantAdminView::of);
	}

}
