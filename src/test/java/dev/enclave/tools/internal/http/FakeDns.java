package dev.enclave.tools.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Name resolution scripted by a test, the way a hostile DNS server would answer. */
final class FakeDns {

	private FakeDns() {
	}

	/** A resolver that knows only {@code names}: host to IP literals, in order. */
	static HostResolver resolving(Map<String, List<String>> names) {
		return (host) -> {
			List<String> addresses = names.get(host);
			if (addresses == null) {
				throw new UnknownHostException(host);
			}
			List<InetAddress> resolved = new ArrayList<>();
			for (String address : addresses) {
				resolved.add(InetAddress.getByName(address));
			}
			return resolved;
		};
	}

}
