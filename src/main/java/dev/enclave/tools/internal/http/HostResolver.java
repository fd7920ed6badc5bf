package dev.enclave.tools.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses for the egress check. It may block: it is only called
 * on the bounded {@code *-dns} threads of an {@link EgressHttpClient}, never on an event loop.
 */
@FunctionalInterface
public interface HostResolver {

	/**
	 * Every address of {@code host}, all of which are checked before any is connected to.
	 * @throws UnknownHostException when it has none
	 */
	List<InetAddress> resolve(String host) throws UnknownHostException;

	/** The JDK's resolver, which follows the machine's configuration ({@code /etc/hosts}, search domains). */
	static HostResolver system() {
		return (host) -> List.of(InetAddress.getAllByName(host));
	}

}
