package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.shared.SearchTerms;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The company's knowledge base ({@code kb_articles}), per tenant: articles managed by
 * administrators and searched by term (words, and pairs of characters for Chinese,
 * Japanese and Korean), ranked by how many of the query's terms an article has.
 */
public final class KnowledgeBase {

	/** Terms kept per article: enough for a long article's vocabulary, bounded for the index. */
	static final int MAX_ARTICLE_TERMS = 4096;

	private final DatabaseClient db;

	private final Clock clock;

	public KnowledgeBase(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/** One article. */
	public record Article(UUID id, String title, String body, Instant createdAt, Instant updatedAt) {
	}

	/** A search hit: the article, and how many of the query's terms it has. */
	public record Hit(Article article, int matched) {
	}

	public Mono<Article> create(TenantId tenant, String title, String body) {
		Instant now = now();
		UUID id = UUID.randomUUID();
		return this.db
			.sql("INSERT INTO kb_articles (id, tenant_id, title, body, terms, created_at, updated_at) "
					+ "VALUES (:id, :tenant, :title, :body, :terms, :now, :now)")
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("title", title)
			.bind("body", body)
			.bind("terms", terms(title, body))
			.bind("now", now.atOffset(ZoneOffset.UTC))
			.then()
			.thenReturn(new Article(id, title, body, now, now));
	}

	public Mono<Article> update(TenantId tenant, UUID id, String title, String body) {
		return this.db
			.sql("UPDATE kb_articles SET title = :title, body = :body, terms = :terms, updated_at = :now "
					+ "WHERE tenant_id = :tenant AND id = :id")
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("title", title)
			.bind("body", body)
			.bind("terms", terms(title, body))
			.bind("now", now().atOffset(ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.flatMap((updated) -> (updated == 0) ? Mono.error(notFound()) : get(tenant, id));
	}

	public Mono<Article> get(TenantId tenant, UUID id) {
		return this.db.sql("SELECT id, title, body, created_at, updated_at FROM kb_articles WHERE tenant_id = :tenant AND id = :id")
			.bind("tenant", tenant.value())
			.bind("id", id)
			.map(KnowledgeBase::article)
			.one()
			.switchIfEmpty(Mono.error(KnowledgeBase::notFound));
	}

	public Mono<Void> delete(TenantId tenant, UUID id) {
		return this.db.sql("DELETE FROM kb_articles WHERE tenant_id = :tenant AND id = :id")
			.bind("tenant", tenant.value())
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.flatMap((deleted) -> (deleted == 0) ? Mono.error(notFound()) : Mono.empty());
	}

	/** The newest articles first. */
	public Flux<Article> list(TenantId tenant, int limit) {
		return this.db
			.sql("SELECT id, title, body, created_at, updated_at FROM kb_articles WHERE tenant_id = :tenant "
					+ "ORDER BY updated_at DESC, id LIMIT :limit")
			.bind("tenant", tenant.value())
			.bind("limit", limit)
			.map(KnowledgeBase::article)
			.all();
	}

	/** Articles sharing terms with {@code query}, those with the most of them first. */
	public Flux<Hit> search(TenantId tenant, String query, int limit) {
		Set<String> terms = SearchTerms.of(query);
		if (terms.isEmpty()) {
			return Flux.empty();
		}
		return this.db
			.sql("SELECT id, title, body, created_at, updated_at, "
					+ "(SELECT count(*) FROM unnest(terms) t WHERE t = ANY(:query)) AS matched "
					+ "FROM kb_articles WHERE tenant_id = :tenant AND terms && :query "
					+ "ORDER BY matched DESC, updated_at DESC, id LIMIT :limit")
			.bind("tenant", tenant.value())
			.bind("query", terms.toArray(String[]::new))
			.bind("limit", limit)
			.map((row) -> new Hit(article(row), row.get("matched", Long.class).intValue()))
			.all();
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	private static String[] terms(String title, String body) {
		return SearchTerms.of(title + "\n" + body, MAX_ARTICLE_TERMS).toArray(String[]::new);
	}

	private static Article article(Readable row) {
		return new Article(row.get("id", UUID.class), row.get("title", String.class), row.get("body", String.class),
				row.get("created_at", OffsetDateTime.class).toInstant(),
				row.get("updated_at", OffsetDateTime.class).toInstant());
	}

	private static ApiException notFound() {
		return ApiException.notFound("Article");
	}

}
