package dev.enclave.conversation.internal;

import java.time.Clock;

import dev.enclave.conversation.ModelPolicy;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.identity.AuditLog;
import dev.enclave.privacy.BlindIndex;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.CryptoShredder;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConversationSettings.class)
class ConversationConfiguration {

	@Bean
	ConversationStore conversationStore(DatabaseClient db) {
		return new ConversationStore(db);
	}

	@Bean
	UsageLedger usageLedger(DatabaseClient db, Clock clock) {
		return new R2dbcUsageLedger(db, clock);
	}

	@Bean
	ConversationService conversationService(ConversationStore store, ContentCipher cipher, BlindIndex index,
			CryptoShredder shredder, UsageLedger usage, AuditLog audit, ModelPolicy models, TransactionalOperator tx,
			Clock clock, ConversationSettings settings) {
		return new ConversationService(store, cipher, index, shredder, usage, audit, models, tx, clock, settings);
	}

	@Bean
	RetentionJob retentionJob(DatabaseClient db, ConversationStore store, ConversationService conversations,
			AuditLog audit, TransactionalOperator tx, Clock clock, ConversationSettings settings) {
		return new RetentionJob(db, store, conversations, audit, tx, clock, settings);
	}

}
