package dev.enclave.tools.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressPolicyTests {

	private final EgressPolicy policy = EgressPolicy.allowing(List.of("api.example", "*.example.com", "0:0:0:0:0:0:0:1"));

	@Test
	void defaultsAreSafe() {
		assertThat(this.policy.allowedPrivateHosts()).isEmpty();
		assertThat(this.policy.allowPrivate()).isFalse();
		assertThat(this.policy.allowLoopback()).isFalse();
		assertThat(this.policy.allowLinkLocal()).isFalse();
		assertThat(this.policy.maxResponseBytes()).isEqualTo(1024 * 1024);
		assertThat(this.policy.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.readTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.policy.maxRedirects()).isEqualTo(3);
	}

	@ParameterizedTest
	@CsvSource({ "file:///etc/passwd, file", "ftp://api.example/pub/x, ftp", "jar:file:/app.jar!/secret, jar",
			"gopher://api.example:70/_stats, gopher", "dict://api.example:11211/stats, dict" })
	void refusesSchemesOtherThanHttpAndHttps(String url, String scheme) {
		assertRefused(url, ToolHttpException.Kind.BLOCKED)
			.hasMessageContaining("the scheme '" + scheme + "' is not allowed");
	}

	@Test
	void refusesAUrlWithoutScheme() {
		assertRefused("//api.example/x", ToolHttpException.Kind.BLOCKED).hasMessageContaining("no scheme");
	}

	@Test
	void refusesUserInfoWithoutRepeatingIt() {
		assertRefused("http://admin:hunter2@api.example/", ToolHttpException.Kind.BLOCKED)
			.hasMessageContaining("user info")
			.hasMessageNotContaining("hunter2")
			.hasMessageNotContaining("admin");
	}

	@Test
	void refusesAHostNotOnTheAllowList() {
		assertRefused("https://internal.corp/x", ToolHttpException.Kind.NOT_ALLOWED_HOST)
			.hasMessageContaining("'internal.corp' is not on the egress allow-list");
	}

	@Test
	void refusesAUrlWhoseHostIsNoHostName() {
		assertRefused("http://a_b.example/", ToolHttpException.Kind.BLOCKED).hasMessageContaining("no valid host");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://api.example/x", "https://API.Example./x", "https://a.example.com/x",
			"http://a.b.example.com:8080/x", "http://[::1]:8080/x" })
	void allowsListedHosts(String url) {
		assertThatCode(() -> this.policy.check(URI.create(url))).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://example.com/x", "https://evilexample.com/x", "https://example.com.evil.net/x",
			"https://api.example.evil.net/x", "http://127.0.0.1/x" })
	void aSuffixPatternMatchesOnlyNamesBelowIt(String url) {
		assertRefused(url, ToolHttpException.Kind.NOT_ALLOWED_HOST);
	}

	@Test
	void internalAddressesAreRefusedForEveryHostByDefault() {
		for (AddressKind kind : List.of(AddressKind.LOOPBACK, AddressKind.LINK_LOCAL, AddressKind.PRIVATE)) {
			assertThat(this.policy.admits("api.example", kind)).as(kind.name()).isFalse();
		}
		assertThat(this.policy.admits("api.example", AddressKind.PUBLIC)).isTrue();
	}

	@Test
	void allowedPrivateHostsOpenInternalAddressesForThoseHostsOnly() {
		EgressPolicy internal = new EgressPolicy(List.of("api.example", "evil.example"), List.of("api.example"), false,
				false, false, 1024, null, null, 3);

		assertThat(internal.admits("api.example", AddressKind.LOOPBACK)).isTrue();
		assertThat(internal.admits("API.EXAMPLE.", AddressKind.PRIVATE)).isTrue();
		assertThat(internal.admits("evil.example", AddressKind.LOOPBACK)).isFalse();
		assertThat(internal.admits("evil.example", AddressKind.LINK_LOCAL)).isFalse();
	}

	@Test
	void eachFlagOpensOnlyItsKind() {
		EgressPolicy loopback = new EgressPolicy(List.of("a.example"), null, false, true, false, 1024, null, null, 3);

		assertThat(loopback.admits("a.example", AddressKind.LOOPBACK)).isTrue();
		assertThat(loopback.admits("a.example", AddressKind.PRIVATE)).isFalse();
		assertThat(loopback.admits("a.example", AddressKind.LINK_LOCAL)).isFalse();
	}

	@Test
	void unspecifiedMulticastBroadcastAndReservedAreNeverAdmitted() {
		EgressPolicy open = new EgressPolicy(List.of("a.example"), List.of("a.example"), true, true, true, 1024, null,
				null, 3);

		for (AddressKind kind : AddressKind.values()) {
			assertThat(open.admits("a.example", kind)).as(kind.name()).isEqualTo(!kind.alwaysBlocked());
		}
	}

	@Test
	void refusesUnusableSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EgressPolicy(List.of("*"), null, false, false, false,
				1024, null, null, 3)).withMessageContaining("'*'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EgressPolicy(List.of("a.example"), null, false, false, false, 0, null, null, 3));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EgressPolicy(List.of("a.example"), null, false, false, false, 1024, null, null, -1));
		assertThatIllegalArgumentException().isThrownBy(() -> new EgressPolicy(List.of("a.example"), null, false, false,
				false, 1024, Duration.ZERO, null, 3));
	}

	private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String url,
			ToolHttpException.Kind kind) {
		return assertThatThrownBy(() -> this.policy.check(URI.create(url))).isInstanceOfSatisfying(ToolHttpException.class,
				(refused) -> assertThat(refused.kind()).isEqualTo(kind));
	}

}
