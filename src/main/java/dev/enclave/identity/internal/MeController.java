package dev.enclave.identity.internal;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Me", description = "Who the caller is")
class MeController {

	private final UserStore users;

	private final TenantStore tenants;

	private final ApiKeyStore apiKeys;

	MeController(UserStore users, TenantStore tenants, ApiKeyStore apiKeys) {
		this.users = users;
		this.tenants = tenants;
		this.apiKeys = apiKeys;
	}

	@GetMapping(path = "/api/v1/me", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The caller: user or app, tenant, roles and scopes")
	Mono<Views.MeView> me(@AuthenticationPrincipal Principal principal) {
		Mono<String[]> names = (principal.authMethod() == AuthMethod.API_KEY)
				? this.apiKeys.findById(principal.subjectId().value()).map((key) -> new String[] { key.name(), key.name() })
				: this.users.findById(principal.subjectId())
					.map((user) -> new String[] { user.username(), user.displayName() });
		return Mono.zip(names, this.tenants.findById(principal.tenantId()))
			.map((found) -> new Views.MeView(principal.subjectId().value(), found.getT1()[0], found.getT1()[1],
					Views.TenantView.of(found.getT2()), principal.roles(), principal.scopes().stream().sorted().toList(),
					principal.authMethod()));
	}

}
