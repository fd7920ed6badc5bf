package dev.enclave.privacy;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.support.EnclaveIT;
import fixtures.PrivacyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User text full of personal data and credentials, logged every careless way there is,
 * through the application's real structured (JSON) console output: as the message, as a
 * format argument, as key-value pairs, in the MDC, in exception messages and their causes,
 * through Reactor's dropped-error path, and through the gateway's error log for a failing
 * request. None of it may appear in the captured output.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(PrivacyFixtures.class)
class LogRedactionIT extends EnclaveIT {

	private static final List<String> PLANTED = List.of("zhang.san@example.com", "13812345678", "+44 20 7946 0958",
			"11010519491231002X", "6217 0012 3456 7890 122", "203.0.113.7", "ek_live_9f8e7d6c5b4a3f2e1d0c",
			"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
			"Bearer 0a1b2c3d4e5f6a7b8c9d0e1f");

	private static final String USER_TEXT = "我叫张三，邮箱 zhang.san@example.com，手机13812345678，伦敦办公室 +44 20 7946 0958，"
			+ "身份证号11010519491231002X，银行卡 6217 0012 3456 7890 122，登录IP 203.0.113.7，我的密钥是 "
			+ "ek_live_9f8e7d6c5b4a3f2e1d0c，令牌 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
			+ "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk，请求头 Authorization: Bearer 0a1b2c3d4e5f6a7b8c9d0e1f。";

	private static final Logger log = LoggerFactory.getLogger("enclave.test.careless");

	@Test
	void loggedUserTextCarriesNoPersonalData(CapturedOutput output) {
		log.info(USER_TEXT);
		log.warn("The user wrote: {}", USER_TEXT);
		log.atInfo().addKeyValue("prompt", USER_TEXT).addKeyValue("card", "6217 0012 3456 7890 122").log("key-value pairs");
		MDC.put("customer", "zhang.san@example.com");
		try {
			log.info("with the customer in the MDC");
		}
		finally {
			MDC.remove("customer");
		}
		IllegalStateException failure = new IllegalStateException("Cannot answer: " + USER_TEXT,
				new IllegalArgumentException("Unparseable id 11010519491231002X"));
		failure.addSuppressed(new RuntimeException("while closing the session of zhang.san@example.com"));
		log.error("Answering failed", failure);
		Mono.error(new IllegalStateException("dropped: " + USER_TEXT)).subscribe();
		http().post()
			.uri("/test-fixtures/privacy/careless-failure")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(USER_TEXT)
			.exchange()
			.expectStatus()
			.isEqualTo(500);

		String captured = output.getOut() + output.getErr();
		for (String value : PLANTED) {
			assertThat(captured).as("captured log output").doesNotContain(value);
		}
		List<JsonNode> lines = jsonLines(output.getOut());
		assertThat(lines).as("lines of the careless logger")
			.filteredOn((line) -> "enclave.test.careless".equals(line.path("logger_name").asString()))
			.hasSize(5);
		assertThat(captured).contains("[email]", "[phone]", "[cn_id]", "[card]", "[ipv4]", "[api_key]", "[jwt]",
				"[bearer]");
		assertThat(lines).as("the gateway's error line, with its stack trace")
			.anySatisfy((line) -> assertThat(line.path("stack_trace").asString()).contains("Could not handle the request")
				.contains("[cn_id]")
				.contains("Caused by"));
		assertThat(lines).as("the key-value pair").anySatisfy((line) -> assertThat(line.path("card").asString()).isEqualTo("[card]"));
		assertThat(lines).as("the MDC entry")
			.anySatisfy((line) -> assertThat(line.path("customer").asString()).isEqualTo("[email]"));
		assertThat(lines).as("Reactor's dropped error")
			.anySatisfy((line) -> assertThat(line.path("stack_trace").asString()).contains("dropped: 我叫张三"));
	}

	/** Every line that is a log event; each must be valid JSON. */
	private static List<JsonNode> jsonLines(String out) {
		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> lines = new ArrayList<>();
		for (String line : out.split("\n")) {
			if (line.startsWith("{")) {
				lines.add(json.readTree(line));
			}
		}
		return lines;
	}

}
