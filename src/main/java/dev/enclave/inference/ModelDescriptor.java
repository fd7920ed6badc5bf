package dev.enclave.inference;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One configured model as the platform sees it.
 *
 * @param id the name clients pass as {@code model}
 * @param created when the checkpoint was sealed (its {@code SHA256SUMS} was written); for a
 * model on a model server, when this instance started
 * @param ownedBy who provides it: {@code enclave} for local models, the names of the model
 * servers for remote ones
 * @param description a human-readable line, for example that the demo model is untrained
 * @param ready whether it is served: loaded and verified, or configured on a model server
 * (whether that server answers right now is the {@code backends} health's to say)
 * @param reason why it is not served, when it is not
 * @param aliases other names clients may use for it
 * @param kind chat or embedding
 */
public record ModelDescriptor(String id, Instant created, String ownedBy, String description, boolean ready,
		@Nullable String reason, List<String> aliases, ModelKind kind) {

	public ModelDescriptor {
		aliases = List.copyOf(aliases);
	}

	/** Whether clients may call it {@code name}: its id or one of its aliases. */
	public boolean answersTo(String name) {
		return this.id.equals(name) || this.aliases.contains(name);
	}

}
