package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

import dev.enclave.identity.SubjectId;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.privacy.ConversationShreddedException;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Support tickets ({@code tickets}), per tenant. Subject and description are sealed with
 * the key of the conversation the ticket was opened from ({@code sealed_by}), so they are
 * shredded with it; a ticket whose conversation was erased still has its number, status and
 * times, and says that its text is gone.
 */
public final class Tickets {

	static final String SUBJECT = "ticket.subject";

	static final String DESCRIPTION = "ticket.description";

	private final DatabaseClient db;

	private final ContentCipher cipher;

	private final Clock clock;

	public Tickets(DatabaseClient db, ContentCipher cipher, Clock clock) {
		this.db = db;
		this.cipher = cipher;
		this.clock = clock;
	}

	/** A ticket, its text opened; null text when its conversation was erased. */
	public record Ticket(String reference, String status, String priority,
			@org.jspecify.annotations.Nullable String subject, @org.jspecify.annotations.Nullable String description,
			Instant createdAt) {
	}

	public Mono<Ticket> open(TenantId tenant, ConversationId conversation, SubjectId person, String subject,
			String description, String priority) {
		UUID id = UUID.randomUUID();
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		return Mono
			.zip(this.cipher.seal(new ContentRef(tenant, conversation, id, SUBJECT), subject),
					this.cipher.seal(new ContentRef(tenant, conversation, id, DESCRIPTION), description))
			.flatMap((sealed) -> this.db
				.sql("INSERT INTO tickets (id, tenant_id, conversation_id, sealed_by, status, priority, subject, "
						+ "description, opened_by, created_at, updated_at) VALUES (:id, :tenant, :conversation, "
						+ ":conversation, 'open', :priority, :subject, :description, :person, :now, :now) RETURNING number")
				.bind("id", id)
				.bind("tenant", tenant.value())
				.bind("conversation", conversation.value())
				.bind("priority", priority)
				.bind("subject", sealed.getT1())
				.bind("description", sealed.getT2())
				.bind("person", person.value())
				.bind("now", now.atOffset(ZoneOffset.UTC))
				.map((row) -> row.get("number", Long.class))
				.one())
			.map((number) -> new Ticket(reference(number), "open", priority, subject, description, now));
	}

	/** The tenant's ticket {@code T-<number>}, or empty. */
	public Mono<Ticket> find(TenantId tenant, long number) {
		return this.db
			.sql("SELECT id, number, sealed_by, status, priority, subject, description, created_at FROM tickets "
					+ "WHERE tenant_id = :tenant AND number = :number")
			.bind("tenant", tenant.value())
			.bind("number", number)
			.map((row) -> new Row(row.get("id", UUID.class), row.get("number", Long.class),
					row.get("sealed_by", UUID.class), row.get("status", String.class), row.get("priority", String.class),
					row.get("subject", byte[].class), row.get("description", byte[].class),
					row.get("created_at", OffsetDateTime.class).toInstant()))
			.one()
			.flatMap((row) -> {
				ConversationId conversation = new ConversationId(row.sealedBy());
				return Mono
					.zip(this.cipher.open(new ContentRef(tenant, conversation, row.id(), SUBJECT), row.subject()),
							this.cipher.open(new ContentRef(tenant, conversation, row.id(), DESCRIPTION),
									row.description()))
					.map((text) -> new Ticket(reference(row.number()), row.status(), row.priority(), text.getT1(),
							text.getT2(), row.createdAt()))
					.onErrorResume(ConversationShreddedException.class, (shredded) -> Mono.just(new Ticket(
							reference(row.number()), row.status(), row.priority(), null, null, row.createdAt())));
			});
	}

	static String reference(long number) {
		return "T-" + number;
	}

	/** The number of a reference such as {@code T-1001} or {@code t-1001}, or -1. */
	static long number(String reference) {
		String text = reference.strip().toUpperCase(Locale.ROOT);
		if (!text.matches("T-[0-9]{1,18}")) {
			return -1;
		}
		return Long.parseLong(text.substring(2));
	}

	private record Row(UUID id, long number, UUID sealedBy, String status, String priority, byte[] subject,
			byte[] description, Instant createdAt) {
	}

}
