package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;

/**
 * Registers the Tink key types Enclave uses once per JVM: AEAD, PRF, and streaming AEAD for
 * the encrypted log files.
 */
public final class TinkRegistration {

	private static volatile boolean registered;

	private TinkRegistration() {
	}

	public static void ensure() {
		if (registered) {
			return;
		}
		synchronized (TinkRegistration.class) {
			if (!registered) {
				try {
					AeadConfig.register();
					PrfConfig.register();
					StreamingAeadConfig.register();
				}
				catch (GeneralSecurityException ex) {
					throw new IllegalStateException("Tink could not register its AEAD, PRF and streaming AEAD key types", ex);
				}
				registered = true;
			}
		}
	}

}
