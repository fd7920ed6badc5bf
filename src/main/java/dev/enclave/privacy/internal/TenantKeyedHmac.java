package dev.enclave.privacy.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import dev.enclave.shared.TenantId;

/**
 * HMAC-SHA256 under a key of each tenant's own. The tenant keys are derived with HKDF-SHA256
 * (a Tink PRF keyset) from a root generated when the process starts, with the tenant id as
 * the HKDF info: one tenant's key says nothing about another's, and nothing needs storing,
 * because what is keyed by them (the in-memory cache) does not outlive the process either.
 */
final class TenantKeyedHmac {

	private static final String ALGORITHM = "HmacSHA256";

	private static final byte[] INFO = "enclave.cache-hmac.v1".getBytes(StandardCharsets.US_ASCII);

	private final PrfSet root;

	TenantKeyedHmac() {
		TinkRegistration.ensure();
		try {
			this.root = KeysetHandle.generateNew(PredefinedPrfParameters.HKDF_SHA256)
				.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot create the cache key derivation root", ex);
		}
	}

	/** HMAC-SHA256 of {@code message} under the tenant's key. */
	byte[] digest(TenantId tenant, byte[] message) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(tenantKey(tenant.value()), ALGORITHM));
			return mac.doFinal(message);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is unavailable", ex);
		}
	}

	private byte[] tenantKey(UUID tenant) throws GeneralSecurityException {
		byte[] info = ByteBuffer.allocate(INFO.length + 16)
			.put(INFO)
			.putLong(tenant.getMostSignificantBits())
			.putLong(tenant.getLeastSignificantBits())
			.array();
		return this.root.computePrimary(info, 32);
	}

}
