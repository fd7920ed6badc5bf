package dev.enclave.identity.internal;

import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTests {

	@Test
	void sha256IsTheStandardDigest() {
		// FIPS 180-2's first example.
		assertThat(HexFormat.of().formatHex(Secrets.sha256("abc")))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		assertThat(HexFormat.of().formatHex(Secrets.sha256("")))
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

	@Test
	void concurrentHashesDoNotShareState() {
		String key = "ek_live_" + Secrets.random(32);
		byte[] expected = Secrets.sha256(key);
		var hashes = IntStream.range(0, 64)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> Secrets.sha256((i % 2 == 0) ? key : key + i)))
			.toList();
		for (int i = 0; i < hashes.size(); i++) {
			byte[] hash = hashes.get(i).join();
			if (i % 2 == 0) {
				assertThat(hash).isEqualTo(expected);
			}
			else {
				assertThat(hash).isNotEqualTo(expected);
			}
		}
	}

}
