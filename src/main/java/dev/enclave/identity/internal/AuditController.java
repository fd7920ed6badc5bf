package dev.enclave.identity.internal;

import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Audit", description = "The tenant's audit log (scope audit:read: ADMIN and AUDITOR)")
class AuditController {

	private final AuditStore audit;

	AuditController(AuditStore audit) {
		this.audit = audit;
	}

	@GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_audit:read')")
	@Operation(summary = "Audit events, newest first", description = "Filter by action; page with next_cursor.")
	Mono<Page<Views.AuditView>> list(@AuthenticationPrincipal Principal caller,
			@RequestParam(required = false) @Nullable String action,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable Integer limit) {
		int size = PageCursor.limit(limit, 50);
		return this.audit.list(caller.tenantId(), action, PageCursor.decode(cursor), size)
			.collectList()
			.map((rows) -> Page.of(rows, size, (row) -> new PageCursor(row.occurredAt(), row.id())))
			.map((page) -> page.map(Views.AuditView::of));
	}

}
