package dev.enclave.tools.internal.http;

/**
 * What an IP address reaches, as far as egress is concerned. Only {@link #PUBLIC} is open by
 * default; loopback, link-local and private addresses open by policy; the rest never do.
 */
public enum AddressKind {

	/** An address on the internet. */
	PUBLIC("a public address", false),

	/** This machine: 127.0.0.0/8, ::1. */
	LOOPBACK("a loopback address", false),

	/** The local link, cloud metadata services included: 169.254.0.0/16, fe80::/10. */
	LINK_LOCAL("a link-local address", false),

	/**
	 * The internal network: 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT),
	 * 198.18/15 (benchmarking, used inside some networks), fc00::/7, fec0::/10 and the
	 * local-use NAT64 prefix 64:ff9b:1::/48.
	 */
	PRIVATE("a private address", false),

	/** "This host" (0.0.0.0/8, ::): Linux connects it to loopback. */
	UNSPECIFIED("an unspecified address", true),

	/** 224.0.0.0/4, ff00::/8. */
	MULTICAST("a multicast address", true),

	/** 255.255.255.255. */
	BROADCAST("the broadcast address", true),

	/** 240.0.0.0/4 (but broadcast): reserved, never a server. */
	RESERVED("a reserved address", true);

	private final String description;

	private final boolean alwaysBlocked;

	AddressKind(String description, boolean alwaysBlocked) {
		this.description = description;
		this.alwaysBlocked = alwaysBlocked;
	}

	/** For messages: "a loopback address". */
	public String description() {
		return this.description;
	}

	/** Whether no policy may open it. */
	public boolean alwaysBlocked() {
		return this.alwaysBlocked;
	}

}
