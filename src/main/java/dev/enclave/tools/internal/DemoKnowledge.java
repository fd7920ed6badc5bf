package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import dev.enclave.shared.TenantId;
import dev.enclave.storage.DatabaseKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The embedded default's demo knowledge base: on the first start, the tenants that exist
 * (the administrator's) get a few help articles in Chinese and English, so
 * {@code knowledge_base_search} has something to find. Only ever on the embedded database,
 * and only once: {@code demo_data} remembers it, so articles deleted stay deleted.
 */
final class DemoKnowledge implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger log = LoggerFactory.getLogger(DemoKnowledge.class);

	/** Demo articles: company knowledge, never customer data. */
	static final List<Article> ARTICLES = List.of(
			new Article("退款政策 Refund policy",
					"订单签收后 30 天内可申请退款。退款在审核通过后 5 个工作日内退回原支付方式。\n"
							+ "Refunds can be requested within 30 days of delivery. Once approved, the money is returned "
							+ "to the original payment method within 5 working days."),
			new Article("配送时间 Delivery times",
					"标准配送 3–5 个工作日，加急配送 1–2 个工作日。偏远地区可能延长 2 天。\n"
							+ "Standard delivery takes 3–5 working days, express 1–2. Remote areas may take 2 days longer."),
			new Article("保修说明 Warranty",
					"所有电器享受两年保修。保修期内的故障可免费维修或更换，需提供订单号。\n"
							+ "Every appliance has a two-year warranty: faults are repaired or replaced free of charge "
							+ "with the order number."),
			new Article("重置密码 Resetting a password",
					"在登录页点击“忘记密码”，按邮件中的链接设置新密码。链接 30 分钟内有效。\n"
							+ "Choose 'Forgot password' on the sign-in page and follow the link in the email. The link "
							+ "is valid for 30 minutes."),
			new Article("发票 Invoices",
					"电子发票在发货后 24 小时内发送到账户邮箱，也可在“我的订单”中下载。\n"
							+ "Electronic invoices are emailed within 24 hours of dispatch and can be downloaded under "
							+ "'My orders'."));

	private final DatabaseKind database;

	private final DatabaseClient db;

	private final KnowledgeBase knowledge;

	private final Clock clock;

	DemoKnowledge(DatabaseKind database, DatabaseClient db, KnowledgeBase knowledge, Clock clock) {
		this.database = database;
		this.db = db;
		this.knowledge = knowledge;
		this.clock = clock;
	}

	record Article(String title, String body) {
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.database != DatabaseKind.EMBEDDED) {
			return;
		}
		// Once, on the main thread at start-up, before anyone searches: blocking is fine here.
		Long seeded = seed().block(Duration.ofMinutes(1));
		if (seeded != null && seeded > 0) {
			log.info("Added the demo knowledge base to {} tenant(s) of the embedded database", seeded);
		}
	}

	/** Seeds every tenant, if no tenant was ever seeded. @return how many tenants were */
	Mono<Long> seed() {
		return this.db.sql("SELECT count(*) AS seeded FROM demo_data")
			.map((row) -> row.get("seeded", Long.class))
			.one()
			.flatMap((already) -> (already > 0) ? Mono.just(0L) : this.db.sql("SELECT id FROM tenants")
				.map((row) -> new TenantId(row.get("id", UUID.class)))
				.all()
				.concatMap((tenant) -> Flux.fromIterable(ARTICLES)
					.concatMap((article) -> this.knowledge.create(tenant, article.title(), article.body()))
					.then(this.db.sql("INSERT INTO demo_data (tenant_id, seeded_at) VALUES (:tenant, :now)")
						.bind("tenant", tenant.value())
						.bind("now", this.clock.instant().atOffset(ZoneOffset.UTC))
						.then())
					.thenReturn(tenant))
				.count());
	}

}
