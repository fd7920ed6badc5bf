package dev.enclave.inference;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One configured model as the platform sees it.
 *
 * @param id the name clients pass as {@code model}
 * @param created when the checkpoint was sealed (its {@code SHA256SUMS} was written)
 * @param ownedBy who provides it, always {@code enclave} for local models
 * @param description a human-readable line, for example that the demo model is untrained
 * @param ready whether it is loaded and served
 * @param reason why it is not served, when it is not
 */
public record ModelDescriptor(String id, Instant created, String ownedBy, String description, boolean ready,
		@Nullable String reason) {
}
