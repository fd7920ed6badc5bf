package dev.enclave.tools.internal.http;

import java.net.InetAddress;

/**
 * Says what an address reaches ({@link AddressKind}). IPv6 forms that carry an IPv4 address
 * (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-translated {@code ::ffff:0:a.b.c.d},
 * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:aabb:ccdd::}
 * and Teredo) are judged by that IPv4 address, because that is where the packets end up:
 * {@code ::ffff:127.0.0.1} is loopback.
 */
public final class AddressClassifier {

	private AddressClassifier() {
	}

	/** The kind of {@code address}. */
	public static AddressKind classify(InetAddress address) {
		byte[] bytes = address.getAddress();
		return (bytes.length == 4) ? ipv4(bytes, 0) : ipv6(bytes);
	}

	private static AddressKind ipv4(byte[] bytes, int at) {
		int a = bytes[at] & 0xff;
		int b = bytes[at + 1] & 0xff;
		if (a == 0) {
			return AddressKind.UNSPECIFIED;
		}
		if (a == 127) {
			return AddressKind.LOOPBACK;
		}
		if (a == 169 && b == 254) {
			return AddressKind.LINK_LOCAL;
		}
		if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168) || (a == 100 && (b & 0xc0) == 64)
				|| (a == 198 && (b & 0xfe) == 18)) {
			return AddressKind.PRIVATE;
		}
		if (a >= 224 && a < 240) {
			return AddressKind.MULTICAST;
		}
		if (a == 255 && b == 255 && (bytes[at + 2] & 0xff) == 255 && (bytes[at + 3] & 0xff) == 255) {
			return AddressKind.BROADCAST;
		}
		if (a >= 240) {
			return AddressKind.RESERVED;
		}
		return AddressKind.PUBLIC;
	}

	private static AddressKind ipv6(byte[] bytes) {
		if (zeros(bytes, 0, 15)) {
			int last = bytes[15] & 0xff;
			if (last == 0) {
				return AddressKind.UNSPECIFIED;
			}
			if (last == 1) {
				return AddressKind.LOOPBACK;
			}
		}
		// ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), ::a.b.c.d (compatible)
		boolean mapped = zeros(bytes, 0, 10) && ff(bytes, 10);
		boolean translated = zeros(bytes, 0, 8) && ff(bytes, 8) && zeros(bytes, 10, 12);
		if (mapped || translated || zeros(bytes, 0, 12)) {
			return ipv4(bytes, 12);
		}
		int first = ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
		int second = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
		if (first == 0x0064 && second == 0xff9b) {
			if (zeros(bytes, 4, 12)) {
				return ipv4(bytes, 12);
			}
			// 64:ff9b:1::/48 is for NAT64 inside a network, with the IPv4 address at a prefix-dependent place.
			if (bytes[4] == 0 && bytes[5] == 1) {
				return AddressKind.PRIVATE;
			}
		}
		if (first == 0x2002) {
			return ipv4(bytes, 2);
		}
		if (first == 0x2001 && second == 0) {
			// Teredo carries the client's IPv4 address inverted in the last four bytes.
			byte[] client = new byte[4];
			for (int i = 0; i < 4; i++) {
				client[i] = (byte) ~bytes[12 + i];
			}
			return ipv4(client, 0);
		}
		if ((first & 0xff00) == 0xff00) {
			return AddressKind.MULTICAST;
		}
		if ((first & 0xffc0) == 0xfe80) {
			return AddressKind.LINK_LOCAL;
		}
		if ((first & 0xffc0) == 0xfec0 || (first & 0xfe00) == 0xfc00) {
			return AddressKind.PRIVATE;
		}
		return AddressKind.PUBLIC;
	}

	private static boolean zeros(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return true;
	}

	private static boolean ff(byte[] bytes, int at) {
		return bytes[at] == (byte) 0xff && bytes[at + 1] == (byte) 0xff;
	}

}
