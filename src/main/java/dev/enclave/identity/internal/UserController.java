package dev.enclave.identity.internal;

import java.util.Set;
import java.util.UUID;

import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/users", produces = MediaType.APPLICATION_JSON_VALUE)
@PreAuthorize("hasAuthority('SCOPE_admin')")
@Tag(name = "Users", description = "Administer the users of your tenant (scope admin)")
class UserController {

	private final UserAdministration administration;

	UserController(UserAdministration administration) {
		this.administration = administration;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record CreateUserRequest(
			@NotBlank @Size(max = 64) @Pattern(regexp = "[\\p{L}\\p{N}._@-]+",
					message = "may contain letters, digits and . _ @ - only") String username,
			@Size(max = 200) @Nullable String displayName, @NotBlank @Size(min = 12, max = 200) String password,
			@NotEmpty Set<Role> roles) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record UpdateUserRequest(@Nullable Set<Role> roles, @Nullable Boolean enabled) {
	}

	@GetMapping
	@Operation(summary = "List users, newest first", description = "Pages by cursor: pass next_cursor back as cursor.")
	Mono<Page<Views.UserView>> list(@AuthenticationPrincipal Principal admin,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable Integer limit) {
		return this.administration.list(admin, PageCursor.decode(cursor), PageCursor.limit(limit, 50))
			.map((page) -> page.map(Views.UserView::of));
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Create a local account")
	Mono<Views.UserView> create(@AuthenticationPrincipal Principal admin, @Valid @RequestBody CreateUserRequest request) {
		String displayName = (request.displayName() != null && !request.displayName().isBlank()) ? request.displayName()
				: request.username();
		return this.administration.create(admin, request.username(), displayName, request.password(), request.roles())
			.map(Views.UserView::of);
	}

	@GetMapping("/{id}")
	@Operation(summary = "One user of your tenant")
	Mono<Views.UserView> get(@AuthenticationPrincipal Principal admin, @PathVariable UUID id) {
		return this.administration.get(admin, new SubjectId(id)).map(Views.UserView::of);
	}

	@PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Change roles, disable or enable", description = "Disabling ends the user's sessions at once. "
			+ "Roles of SSO users come from the identity provider.")
	Mono<Views.UserView> update(@AuthenticationPrincipal Principal admin, @PathVariable UUID id,
			@Valid @RequestBody UpdateUserRequest request) {
		return this.administration.update(admin, new SubjectId(id), request.roles(), request.enabled())
			.map(Views.UserView::of);
	}

}
