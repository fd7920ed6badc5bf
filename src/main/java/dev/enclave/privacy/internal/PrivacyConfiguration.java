package dev.enclave.privacy.internal;

import java.time.Clock;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.enclave.privacy.BlindIndex;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.CryptoShredder;
import dev.enclave.privacy.DataKeyRewrapper;
import dev.enclave.privacy.EncryptedCaches;
import dev.enclave.storage.DataDirectory;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires the module: keyset, data keys, cipher, shredding, rotation, caches, redaction. */
@Configuration(proxyBeanMethods = false)
class PrivacyConfiguration {

	@Bean
	LoadedKeyset keyEncryptionKeyset(KeysetSettings settings, DataDirectory dataDirectory) {
		return new KeysetLoader(settings, dataDirectory).load();
	}

	@Bean
	TinkKeysetKek keyEncryptionKey(LoadedKeyset keyset) {
		return new TinkKeysetKek(keyset.handle());
	}

	@Bean
	DataKeyStore dataKeyStore(DatabaseClient db) {
		return new DataKeyStore(db);
	}

	@Bean
	ConversationKeys conversationKeys(DataKeyStore store, KeyEncryptionKey kek, Clock clock, PrivacySettings settings) {
		return new ConversationKeys(store, kek, clock, settings.dataKeyCacheTtl(), settings.dataKeyCacheSize());
	}

	@Bean
	ContentCipher contentCipher(ConversationKeys keys) {
		return new EnvelopeContentCipher(keys);
	}

	@Bean
	BlindIndex blindIndex(DatabaseClient db, ContentCipher cipher, Clock clock) {
		return new SealedBlindIndex(db, cipher, clock);
	}

	@Bean
	EncryptedCaches encryptedCaches(PrivacySettings settings, MeterRegistry registry) {
		return new SealedEntryCaches(settings.cacheTtl(), settings.cacheMaxSize(), registry, Ticker.systemTicker());
	}

	@Bean
	CryptoShredder cryptoShredder(DataKeyStore store, ConversationKeys keys, EncryptedCaches caches,
			ApplicationEventPublisher events, Clock clock) {
		return new ConversationShredder(store, keys, caches, events, clock);
	}

	@Bean
	DataKeyRewrapper dataKeyRewrapper(DataKeyStore store, KeyEncryptionKey kek) {
		return new KekRewrapper(store, kek);
	}

	@Bean
	KeysetAdministration keysetAdministration(LoadedKeyset keyset, DataDirectory dataDirectory, DataKeyStore store,
			DataKeyRewrapper rewrapper) {
		return new KeysetAdministration(keyset, new KeysetFileWriter(dataDirectory), store, rewrapper);
	}

	@Bean
	RedactingMeterFilter redactingMeterFilter() {
		return new RedactingMeterFilter();
	}

}
