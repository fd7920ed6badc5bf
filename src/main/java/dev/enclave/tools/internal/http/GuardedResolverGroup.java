package dev.enclave.tools.internal.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The resolver of the tools' HTTP client: it resolves with a {@link HostResolver} and fails
 * the connection when any address found is one the {@link EgressPolicy} blocks for that host.
 * The check sits here, on the addresses the connection is about to use, so a name that
 * resolves to a public address when a URL is checked and to 127.0.0.1 when it is connected
 * (DNS rebinding) cannot slip through: there is no second lookup. IP literals come here too,
 * because this resolver calls no address resolved already.
 *
 * <p>Lookups use the JDK's resolver (through {@code HostResolver}) rather than netty's DNS
 * client, so tools see the same names as the rest of the machine ({@code /etc/hosts},
 * search domains, corporate DNS); it blocks, so it runs on a bounded scheduler of its own
 * and an event loop never waits for DNS.
 */
final class GuardedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

	private final EgressPolicy policy;

	private final HostResolver hosts;

	private final Scheduler lookups;

	GuardedResolverGroup(EgressPolicy policy, HostResolver hosts, Scheduler lookups) {
		this.policy = policy;
		this.hosts = hosts;
		this.lookups = lookups;
	}

	@Override
	protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
		return new Guarded(executor);
	}

	/** The addresses of {@code address}, each admitted by the policy, or a {@link ToolHttpException}. */
	Mono<List<InetSocketAddress>> lookup(InetSocketAddress address) {
		String host = address.getHostString();
		Mono<List<InetAddress>> found = address.isUnresolved()
				? Mono.fromCallable(() -> this.hosts.resolve(host)).subscribeOn(this.lookups)
				: Mono.just(List.of(address.getAddress()));
		return found
			.onErrorMap((failure) -> !(failure instanceof ToolHttpException),
					(failure) -> new ToolHttpException(ToolHttpException.Kind.UNREACHABLE,
							"the host " + host + " could not be resolved"))
			.map((addresses) -> admitted(host, !address.isUnresolved(), addresses, address.getPort()));
	}

	private List<InetSocketAddress> admitted(String host, boolean literal, List<InetAddress> addresses, int port) {
		if (addresses.isEmpty()) {
			throw new ToolHttpException(ToolHttpException.Kind.UNREACHABLE, "the host " + host + " could not be resolved");
		}
		List<InetSocketAddress> admitted = new ArrayList<>(addresses.size());
		for (InetAddress address : addresses) {
			AddressKind kind = AddressClassifier.classify(address);
			if (!this.policy.admits(host, kind)) {
				// Which host and what kind, never the address itself: the model need not learn internal DNS.
				throw new ToolHttpException(ToolHttpException.Kind.BLOCKED, host + (literal ? " is " : " resolves to ")
						+ kind.description() + ", which the egress policy blocks");
			}
			admitted.add(new InetSocketAddress(address, port));
		}
		return admitted;
	}

	private final class Guarded extends AbstractAddressResolver<InetSocketAddress> {

		Guarded(EventExecutor executor) {
			super(executor, InetSocketAddress.class);
		}

		@Override
		protected boolean doIsResolved(InetSocketAddress address) {
			// Never "resolved already": netty would then connect without asking, and literals would skip the check.
			return false;
		}

		@Override
		protected void doResolve(InetSocketAddress address, Promise<InetSocketAddress> promise) {
			lookup(address).subscribe((all) -> promise.trySuccess(all.get(0)), promise::tryFailure);
		}

		@Override
		protected void doResolveAll(InetSocketAddress address, Promise<List<InetSocketAddress>> promise) {
			lookup(address).subscribe(promise::trySuccess, promise::tryFailure);
		}

	}

}
