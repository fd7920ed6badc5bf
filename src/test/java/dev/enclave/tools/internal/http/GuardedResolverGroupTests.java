package dev.enclave.tools.internal.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardedResolverGroupTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final Scheduler lookups = Schedulers.newBoundedElastic(1, 16, "tools-dns-test");

	private final EgressPolicy policy = new EgressPolicy(List.of("*.example"), List.of("api.example"), false, false,
			false, 1024, null, null, 3);

	@AfterEach
	void stop() {
		this.lookups.dispose();
	}

	@Test
	void blocksANameThatResolvesToLoopbackAndSaysWhichHostAndWhatKindButNotTheAddress() {
		GuardedResolverGroup group = group(FakeDns.resolving(Map.of("evil.example", List.of("127.0.0.1"))));

		assertThatThrownBy(() -> group.lookup(InetSocketAddress.createUnresolved("evil.example", 80)).block(WAIT))
			.isInstanceOfSatisfying(ToolHttpException.class,
					(refused) -> assertThat(refused.kind()).isEqualTo(ToolHttpException.Kind.BLOCKED))
			.hasMessage("evil.example resolves to a loopback address, which the egress policy blocks")
			.hasNoCause();
	}

	@Test
	void blocksANameWhenAnyOfItsAddressesIsBlocked() {
		GuardedResolverGroup group = group(
				FakeDns.resolving(Map.of("mixed.example", List.of("93.184.216.34", "10.0.0.7"))));

		assertThatThrownBy(() -> group.lookup(InetSocketAddress.createUnresolved("mixed.example", 443)).block(WAIT))
			.isInstanceOf(ToolHttpException.class)
			.hasMessageContaining("mixed.example resolves to a private address");
	}

	@Test
	void passesEveryPublicAddressOnWithThePort() {
		GuardedResolverGroup group = group(
				FakeDns.resolving(Map.of("cdn.example", List.of("93.184.216.34", "2606:4700:4700::1111"))));

		List<InetSocketAddress> addresses = group.lookup(InetSocketAddress.createUnresolved("cdn.example", 443))
			.block(WAIT);

		assertThat(addresses).extracting((address) -> address.getAddress().getHostAddress())
			.containsExactly("93.184.216.34", "2606:4700:4700:0:0:0:0:1111");
		assertThat(addresses).allSatisfy((address) -> assertThat(address.getPort()).isEqualTo(443));
	}

	@Test
	void letsAHostNamedInAllowedPrivateHostsReachLoopback() {
		GuardedResolverGroup group = group(FakeDns.resolving(Map.of("api.example", List.of("127.0.0.1"))));

		assertThat(group.lookup(InetSocketAddress.createUnresolved("api.example", 80)).block(WAIT)).hasSize(1);
	}

	@Test
	void checksIpLiteralsWithoutAskingTheResolver() {
		GuardedResolverGroup group = group((host) -> {
			throw new AssertionError("a literal needs no lookup");
		});

		assertThatThrownBy(() -> group.lookup(new InetSocketAddress("169.254.169.254", 80)).block(WAIT))
			.hasMessage("169.254.169.254 is a link-local address, which the egress policy blocks");
		// Netty connects straight to an address its resolver calls resolved: this one never does.
		assertThat(group.getResolver(GlobalEventExecutor.INSTANCE).isResolved(new InetSocketAddress("127.0.0.1", 80)))
			.isFalse();
	}

	@Test
	void checksWhatTheJdkMakesOfADecimalAddress() {
		GuardedResolverGroup group = group(HostResolver.system());

		assertThatThrownBy(() -> group.lookup(InetSocketAddress.createUnresolved("2130706433", 80)).block(WAIT))
			.hasMessage("2130706433 resolves to a loopback address, which the egress policy blocks");
	}

	@Test
	void resolvesOffTheCallersThreadOnTheLookupScheduler() {
		AtomicReference<String> thread = new AtomicReference<>();
		GuardedResolverGroup group = group((host) -> {
			thread.set(Thread.currentThread().getName());
			return FakeDns.resolving(Map.of("cdn.example", List.of("93.184.216.34"))).resolve(host);
		});

		group.lookup(InetSocketAddress.createUnresolved("cdn.example", 80)).block(WAIT);

		assertThat(thread.get()).startsWith("tools-dns-test");
	}

	@Test
	void anUnknownHostIsUnreachable() {
		GuardedResolverGroup group = group(FakeDns.resolving(Map.of()));

		assertThatThrownBy(() -> group.lookup(InetSocketAddress.createUnresolved("nowhere.example", 80)).block(WAIT))
			.isInstanceOfSatisfying(ToolHttpException.class,
					(failure) -> assertThat(failure.kind()).isEqualTo(ToolHttpException.Kind.UNREACHABLE))
			.hasMessage("the host nowhere.example could not be resolved");
	}

	@Test
	void failsTheNettyResolveWhenTheAddressIsBlocked() throws Exception {
		GuardedResolverGroup group = group(FakeDns.resolving(Map.of("evil.example", List.of("10.1.2.3"))));

		io.netty.util.concurrent.Future<List<InetSocketAddress>> resolved = group
			.getResolver(GlobalEventExecutor.INSTANCE)
			.resolveAll(InetSocketAddress.createUnresolved("evil.example", 80))
			.await();

		assertThat(resolved.isSuccess()).isFalse();
		assertThat(resolved.cause()).isInstanceOf(ToolHttpException.class).hasMessageContaining("private address");
	}

	private GuardedResolverGroup group(HostResolver hosts) {
		return new GuardedResolverGroup(this.policy, hosts, this.lookups);
	}

}
