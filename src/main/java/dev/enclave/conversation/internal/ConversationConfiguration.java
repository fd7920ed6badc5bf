package dev.enclave.conversation.internal;

import java.time.Clock;

import dev.enclave.conversation.ModelPolicy;
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
	MessageStore messageStore(DatabaseClient db) {
		return new MessageStore(db);
	}

	@Bean
	RetentionStore retentionStore(DatabaseClient db) {
		return new RetentionStore(db);
	}

	@Bean
	SealedContent sealedContent(ContentCipher cipher) {
		return new SealedContent(cipher);
	}

	@Bean(destroyMethod = "close")
	BatchedUsageLedger usageLedger(DatabaseClient db, Clock clock, ConversationSettings settings) {
		return new BatchedUsageLedger(db, clock, settings.usageFlushInterval(), settings.usageMaxPending());
	}

	@Bean
	ConversationService conversationService(ConversationStore conversations, MessageStore messages,
			SealedContent content, BlindIndex index, CryptoShredder shredder, AuditLog audit, ModelPolicy models,
			TransactionalOperator tx, Clock clock) {
		return new ConversationService(conversations, messages, content, index, shredder, audit, models, tx, clock);
	}

	@Bean
	FeedbackService feedbackService(MessageStore messages, SealedContent content, Clock clock) {
		return new FeedbackService(messages, content, clock);
	}

	@Bean
	TurnService turnService(ConversationService library, ConversationStore conversations, MessageStore messages,
			SealedContent content, TransactionalOperator tx, Clock clock, ConversationSettings settings) {
		return new TurnService(library, conversations, messages, content, tx, clock, settings);
	}

	@Bean
	RetentionJob retentionJob(RetentionStore store, ConversationService conversations, AuditLog audit,
			TransactionalOperator tx, Clock clock, ConversationSettings settings) {
		return new RetentionJob(store, conversations, audit, tx, clock, settings);
	}

}
