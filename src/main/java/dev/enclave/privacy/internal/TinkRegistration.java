package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;

/** Registers the Tink key types Enclave uses (AEAD and PRF) once per JVM. */
final class TinkRegistration {

	private static volatile boolean registered;

	private TinkRegistration() {
	}

	static void ensure() {
		if (registered) {
			return;
		}
		synchronized (TinkRegistration.class) {
			if (!registered) {
				try {
					AeadConfig.register();
					PrfConfig.register();
				}
				catch (GeneralSecurityException ex) {
					throw new IllegalStateException("Tink could not register its AEAD and PRF key types", ex);
				}
				registered = true;
			}
		}
	}

}
