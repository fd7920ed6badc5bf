package dev.enclave.tools.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The knowledge base's articles: administrators manage them, anyone who may chat reads and
 * searches them (what the assistant cites, people can open). Changes are audited by id.
 */
// Not @Validated: its proxy would throw ConstraintViolationException for q over 500 chars
// (a 500); Spring's own method validation of the @Size below gives a 400 with the param.
@RestController
@RequestMapping(path = "/api/v1/kb/articles", produces = MediaType.APPLICATION_JSON_VALUE)
class KnowledgeBaseController {

	private static final int DEFAULT_LIMIT = 20;

	private static final int MAX_LIMIT = 100;

	private final KnowledgeBase knowledge;

	private final AuditLog audit;

	KnowledgeBaseController(KnowledgeBase knowledge, AuditLog audit) {
		this.knowledge = knowledge;
		this.audit = audit;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	@PreAuthorize("hasAuthority('SCOPE_admin')")
	@Operation(summary = "Add an article", description = "Company knowledge only: no customer data.")
	Mono<ArticleView> create(@AuthenticationPrincipal Principal caller, @Valid @RequestBody ArticleRequest request) {
		return this.knowledge.create(caller.tenantId(), request.title().strip(), request.body())
			.flatMap((article) -> this.audit.record(AuditEvent.by(caller, "kb_article_created", article.id().toString()))
				.thenReturn(ArticleView.of(article)));
	}

	@GetMapping
	@PreAuthorize("hasAuthority('SCOPE_chat')")
	@Operation(summary = "List or search articles", description = "Newest first; with q, those sharing the most "
			+ "words (or pairs of Chinese, Japanese or Korean characters) with q first.")
	Mono<ArticleList> list(@AuthenticationPrincipal Principal caller,
			@RequestParam(required = false) @Nullable @Size(max = 500) String q,
			@RequestParam(required = false) @Nullable Integer limit) {
		int size = (limit == null) ? DEFAULT_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
		if (q != null && !q.isBlank()) {
			return this.knowledge.search(caller.tenantId(), q, size)
				.map((hit) -> ArticleView.of(hit.article()))
				.collectList()
				.map(ArticleList::new);
		}
		return this.knowledge.list(caller.tenantId(), size).map(ArticleView::of).collectList().map(ArticleList::new);
	}

	@GetMapping("/{id}")
	@PreAuthorize("hasAuthority('SCOPE_chat')")
	@Operation(summary = "One article")
	Mono<ArticleView> get(@AuthenticationPrincipal Principal caller, @PathVariable UUID id) {
		return this.knowledge.get(caller.tenantId(), id).map(ArticleView::of);
	}

	@PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_admin')")
	@Operation(summary = "Replace an article's title and body")
	Mono<ArticleView> update(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@Valid @RequestBody ArticleRequest request) {
		return this.knowledge.update(caller.tenantId(), id, request.title().strip(), request.body())
			.flatMap((article) -> this.audit.record(AuditEvent.by(caller, "kb_article_updated", id.toString()))
				.thenReturn(ArticleView.of(article)));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@PreAuthorize("hasAuthority('SCOPE_admin')")
	@Operation(summary = "Delete an article")
	Mono<Void> delete(@AuthenticationPrincipal Principal caller, @PathVariable UUID id) {
		return this.knowledge.delete(caller.tenantId(), id)
			.then(this.audit.record(AuditEvent.by(caller, "kb_article_deleted", id.toString())));
	}

	record ArticleRequest(@NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 100_000) String body) {
	}

	record ArticleList(List<ArticleView> data) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ArticleView(UUID id, String title, String body, Instant createdAt, Instant updatedAt) {

		static ArticleView of(KnowledgeBase.Article article) {
			return new ArticleView(article.id(), article.title(), article.body(), article.createdAt(),
					article.updatedAt());
		}

	}

}
