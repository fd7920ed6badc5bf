package dev.enclave.identity;

import java.util.Set;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.shared.TenantId;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class OwnershipTests {

	record Thing(TenantId tenant, SubjectId owner) {
	}

	private final TenantId tenant = new TenantId(UUID.randomUUID());

	private final SubjectId me = new SubjectId(UUID.randomUUID());

	private final Principal caller = Principal.ofUser(this.tenant, this.me, Set.of(Role.AGENT), AuthMethod.LOCAL);

	@Test
	void ownResourceIsReturned() {
		Thing mine = new Thing(this.tenant, this.me);
		StepVerifier.create(Ownership.ownedBy(this.caller, Mono.just(mine), Thing::tenant, Thing::owner, "Thing"))
			.expectNext(mine)
			.verifyComplete();
		StepVerifier.create(Ownership.inTenant(this.caller, Mono.just(mine), Thing::tenant, "Thing"))
			.expectNext(mine)
			.verifyComplete();
	}

	@Test
	void anotherUsersAnotherTenantsAndMissingResourcesAreAllNotFound() {
		Thing colleagues = new Thing(this.tenant, new SubjectId(UUID.randomUUID()));
		Thing foreign = new Thing(new TenantId(UUID.randomUUID()), this.me);
		for (Mono<Thing> resource : java.util.List.of(Mono.just(colleagues), Mono.just(foreign), Mono.<Thing>empty())) {
			StepVerifier.create(Ownership.ownedBy(this.caller, resource, Thing::tenant, Thing::owner, "Thing"))
				.verifyErrorSatisfies((error) -> org.assertj.core.api.Assertions.assertThat(error)
					.isInstanceOfSatisfying(ApiException.class,
							(api) -> org.assertj.core.api.Assertions.assertThat(api.code()).isEqualTo(ErrorCode.NOT_FOUND)));
		}
		StepVerifier.create(Ownership.inTenant(this.caller, Mono.just(foreign), Thing::tenant, "Thing"))
			.verifyError(ApiException.class);
		StepVerifier.create(Ownership.inTenant(this.caller, Mono.just(colleagues), Thing::tenant, "Thing"))
			.expectNext(colleagues)
			.verifyComplete();
	}

}
