package dev.enclave.tools.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where HTTP tools may connect, and how much they may read. Safe by default: a host must be
 * on the allow-list, and even an allowed host is refused when it resolves to a loopback,
 * link-local (cloud metadata) or private address, unless the policy opens that kind of
 * address for every host or names the host in {@code allowedPrivateHosts}. Unspecified,
 * multicast, broadcast and reserved addresses are never reached.
 *
 * @param allowedHosts the hosts a tool may call: exact names (or IP literals) and
 * {@code *.suffix} patterns, which match names below the suffix but not the suffix itself
 * @param allowedPrivateHosts allowed hosts that may resolve to loopback, link-local and
 * private addresses: internal services a tool is meant to reach; this does not allow a host
 * that {@code allowedHosts} does not list
 * @param allowPrivate whether every allowed host may resolve to a private address
 * @param allowLoopback whether every allowed host may resolve to a loopback address
 * @param allowLinkLocal whether every allowed host may resolve to a link-local address
 * @param maxResponseBytes the largest response body read; a longer one fails the call
 * @param connectTimeout how long connecting may take
 * @param readTimeout the longest silence while waiting for or reading a response
 * @param maxRedirects how many redirects one call follows, each checked like the first URL
 */
public record EgressPolicy(List<String> allowedHosts, List<String> allowedPrivateHosts, boolean allowPrivate,
		boolean allowLoopback, boolean allowLinkLocal, int maxResponseBytes, Duration connectTimeout,
		Duration readTimeout, int maxRedirects) {

	/** 1 MiB. */
	public static final int DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

	public static final int DEFAULT_MAX_REDIRECTS = 3;

	public EgressPolicy(@Nullable List<String> allowedHosts, @Nullable List<String> allowedPrivateHosts,
			boolean allowPrivate, boolean allowLoopback, boolean allowLinkLocal, int maxResponseBytes,
			@Nullable Duration connectTimeout, @Nullable Duration readTimeout, int maxRedirects) {
		this.allowedHosts = hosts("allowed-hosts", allowedHosts);
		this.allowedPrivateHosts = hosts("allowed-private-hosts", allowedPrivateHosts);
		this.allowPrivate = allowPrivate;
		this.allowLoopback = allowLoopback;
		this.allowLinkLocal = allowLinkLocal;
		if (maxResponseBytes <= 0) {
			throw new IllegalArgumentException("max-response-bytes must be positive");
		}
		this.maxResponseBytes = maxResponseBytes;
		this.connectTimeout = positive("connect-timeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
		this.readTimeout = positive("read-timeout", readTimeout, DEFAULT_READ_TIMEOUT);
		if (maxRedirects < 0) {
			throw new IllegalArgumentException("max-redirects must not be negative");
		}
		this.maxRedirects = maxRedirects;
	}

	/** The defaults: only {@code allowedHosts}, and only at public addresses. */
	public static EgressPolicy allowing(List<String> allowedHosts) {
		return new EgressPolicy(allowedHosts, List.of(), false, false, false, DEFAULT_MAX_RESPONSE_BYTES,
				DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_REDIRECTS);
	}

	/**
	 * Refuses a URL the policy does not let a tool call before anything is resolved: a scheme
	 * other than http and https, user info ({@code user:password@}), no host, or a host not
	 * on the allow-list. Where the host resolves to is checked when connecting.
	 * @throws ToolHttpException {@code BLOCKED} or {@code NOT_ALLOWED_HOST}, with the reason
	 */
	public void check(URI url) {
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new ToolHttpException(ToolHttpException.Kind.BLOCKED,
					scheme.isEmpty() ? "the URL has no scheme; only http and https are allowed"
							: "the scheme '" + scheme + "' is not allowed; only http and https are");
		}
		// Never echoed: user info is where credentials go.
		if (url.getRawUserInfo() != null || (url.getRawAuthority() != null && url.getRawAuthority().contains("@"))) {
			throw new ToolHttpException(ToolHttpException.Kind.BLOCKED, "URLs with user info (user@host) are not allowed");
		}
		String host = url.getHost();
		if (host == null || host.isBlank()) {
			throw new ToolHttpException(ToolHttpException.Kind.BLOCKED, "the URL has no valid host name");
		}
		if (!HostPatterns.matchesAny(this.allowedHosts, host)) {
			throw new ToolHttpException(ToolHttpException.Kind.NOT_ALLOWED_HOST,
					"the host '" + HostPatterns.normalize(host) + "' is not on the egress allow-list");
		}
	}

	/** Whether {@code host} may connect to an address of {@code kind}. */
	public boolean admits(String host, AddressKind kind) {
		return switch (kind) {
			case PUBLIC -> true;
			case LOOPBACK -> this.allowLoopback || internal(host);
			case LINK_LOCAL -> this.allowLinkLocal || internal(host);
			case PRIVATE -> this.allowPrivate || internal(host);
			case UNSPECIFIED, MULTICAST, BROADCAST, RESERVED -> false;
		};
	}

	private boolean internal(String host) {
		return HostPatterns.matchesAny(this.allowedPrivateHosts, host);
	}

	private static List<String> hosts(String property, @Nullable List<String> hosts) {
		List<String> copy = (hosts != null) ? List.copyOf(hosts) : List.of();
		for (String host : copy) {
			if (!HostPatterns.valid(host)) {
				throw new IllegalArgumentException(property + " has an entry that is neither a host name nor *.suffix: '"
						+ host + "'");
			}
		}
		return copy;
	}

	private static Duration positive(String property, @Nullable Duration value, Duration fallback) {
		if (value == null) {
			return fallback;
		}
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive");
		}
		return value;
	}

}
