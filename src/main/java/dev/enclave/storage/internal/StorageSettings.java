package dev.enclave.storage.internal;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * Where Enclave keeps its files.
 *
 * @param dataDir the data directory: embedded database, generated keys, models
 */
@ConfigurationProperties("enclave")
@Validated
record StorageSettings(@DefaultValue("data") @NotNull Path dataDir) {
}
