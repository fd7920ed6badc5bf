package dev.enclave.inference.internal;

import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.ModelDescriptor;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the models: UP when every configured model is served, DOWN with each failed
 * model's reason otherwise, so a checkpoint that failed verification keeps the instance out
 * of rotation until it is fixed.
 */
final class ModelHealthIndicator implements HealthIndicator {

	private final ModelCatalog catalog;

	ModelHealthIndicator(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@Override
	public Health health() {
		boolean ready = this.catalog.models().stream().allMatch(ModelDescriptor::ready);
		Health.Builder health = ready ? Health.up() : Health.down();
		for (ModelDescriptor model : this.catalog.models()) {
			health.withDetail(model.id(), model.ready() ? "ready" : model.reason());
		}
		return health.build();
	}

}
