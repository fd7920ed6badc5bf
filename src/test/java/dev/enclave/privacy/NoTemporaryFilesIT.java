package dev.enclave.privacy;

import java.util.Map;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.Part;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one place the web stack would write request content to disk: a multipart part larger
 * than the in-memory limit. Enclave's configuration refuses such a part instead.
 */
class NoTemporaryFilesIT extends EnclaveIT {

	private static final String BOUNDARY = "enclave-boundary";

	@Autowired
	ServerCodecConfigurer codecs;

	@Test
	void aMultipartPartTooLargeForMemoryIsRefusedNotBufferedOnDisk() {
		DefaultPartHttpMessageReader reader = this.codecs.getReaders()
			.stream()
			.filter(DefaultPartHttpMessageReader.class::isInstance)
			.map(DefaultPartHttpMessageReader.class::cast)
			.findFirst()
			.orElseThrow();
		assertThat(reader.getMaxInMemorySize()).isEqualTo(1024 * 1024);
		String body = "--" + BOUNDARY + "\r\n"
				+ "Content-Disposition: form-data; name=\"file\"; filename=\"transcript.txt\"\r\n"
				+ "Content-Type: text/plain\r\n\r\n" + "客户的手机号 13812345678。".repeat(60_000) + "\r\n--" + BOUNDARY + "--\r\n";
		MockServerHttpRequest request = MockServerHttpRequest.post("/upload")
			.contentType(MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY))
			.body(body);

		StepVerifier.create(reader.read(ResolvableType.forClass(Part.class), request, Map.of()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(DataBufferLimitException.class)
				.hasMessageContaining("disk usage limit of 0 bytes"))
			.verify();
	}

}
