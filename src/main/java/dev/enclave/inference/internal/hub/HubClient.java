package dev.enclave.inference.internal.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Speaks the hub's HTTP API as {@code huggingface_hub} does: the listing of a revision and
 * the files of a commit. Redirects are followed here, not by HttpClient, so the token goes
 * to the hub's own origin only and never to a CDN holding a signed URL.
 */
final class HubClient {

	static final int MAX_REDIRECTS = 5;

	private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

	private static final int LISTING_LIMIT = 64 << 20;

	private static final int HUB_MESSAGE_LIMIT = 300;

	private static final String USER_AGENT = "enclave-model-pull";

	private final HttpClient http;

	private final HubEndpoint endpoint;

	private final Timeouts timeouts;

	private final ScheduledExecutorService watchdog;

	HubClient(HttpClient http, HubEndpoint endpoint, Timeouts timeouts, ScheduledExecutorService watchdog) {
		this.http = http;
		this.endpoint = endpoint;
		this.timeouts = timeouts;
		this.watchdog = watchdog;
	}

	/** The commit {@code revision} points at and the files in it. */
	RepoListing listing(String repo, String revision) throws InterruptedException {
		URI uri = this.endpoint
			.resolve("/api/models/" + path(repo) + "/revision/" + segment(revision) + "?blobs=true");
		try (HubResponse response = get(uri, null)) {
			if (response.status() != 200) {
				throw failure(response, "the repo " + repo + " or its revision " + revision + " does not exist");
			}
			byte[] body;
			try {
				body = response.body().readNBytes(LISTING_LIMIT + 1);
			}
			catch (IOException ex) {
				throw new HubException("Reading the listing from " + response.url() + " failed: " + reason(ex), ex);
			}
			if (body.length > LISTING_LIMIT) {
				throw new HubException(response.url() + " answered a listing over " + LISTING_LIMIT + " bytes");
			}
			return RepoListing.parse(body, response.url());
		}
	}

	/**
	 * {@code file} at {@code commit}, from byte {@code offset} on when it is positive.
	 * @return a response with status 200, 206 or 416; the caller reads and closes it
	 */
	HubResponse file(String repo, String commit, String file, long offset) throws InterruptedException {
		URI uri = this.endpoint.resolve("/" + path(repo) + "/resolve/" + segment(commit) + "/" + path(file));
		HubResponse response = get(uri, (offset > 0) ? "bytes=" + offset + "-" : null);
		if (response.status() != 200 && response.status() != 206 && response.status() != 416) {
			throw failure(response, file + " does not exist in " + repo + " at commit " + commit);
		}
		return response;
	}

	private HubResponse get(URI uri, @Nullable String range) throws InterruptedException {
		URI target = uri;
		for (int redirects = 0;; redirects++) {
			HttpRequest.Builder request = HttpRequest.newBuilder(target)
				.timeout(this.timeouts.request())
				.header("User-Agent", USER_AGENT)
				.GET();
			if (range != null) {
				request.header("Range", range);
			}
			String token = this.endpoint.token();
			if (token != null && this.endpoint.isOrigin(target)) {
				request.header("Authorization", "Bearer " + token);
			}
			HttpResponse<InputStream> response;
			try {
				response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
			}
			catch (IOException ex) {
				throw new HubException("Cannot reach " + shown(target) + ": " + reason(ex), ex);
			}
			int status = response.statusCode();
			if (!REDIRECTS.contains(status)) {
				InputStream body = new IdleTimeoutInputStream(response.body(), this.watchdog, this.timeouts.idle(),
						shown(target));
				return new HubResponse(status, response.headers(), body, shown(target));
			}
			try (InputStream ignored = response.body()) {
				// A redirect's body is never read.
			}
			catch (IOException ex) {
				// Abandoned anyway.
			}
			if (redirects == MAX_REDIRECTS) {
				throw new HubException(shown(uri) + " redirected more than " + MAX_REDIRECTS + " times");
			}
			target = redirectTarget(target, status, response.headers().firstValue("Location").orElse(null));
		}
	}

	private static URI redirectTarget(URI from, int status, @Nullable String location) {
		if (location == null) {
			throw new HubException(shown(from) + " answered HTTP " + status + " without a Location");
		}
		URI target;
		try {
			target = from.resolve(location);
		}
		catch (IllegalArgumentException ex) {
			throw new HubException(shown(from) + " redirected to a malformed Location", ex);
		}
		if (!"http".equalsIgnoreCase(target.getScheme()) && !"https".equalsIgnoreCase(target.getScheme())
				|| target.getHost() == null) {
			throw new HubException(shown(from) + " redirected to " + shown(target) + ", which is not an http(s) URL");
		}
		return target;
	}

	/** The exception for a response that is not what was asked for; closes it. */
	private HubException failure(HubResponse response, String notFound) {
		response.close();
		int status = response.status();
		String meaning;
		if (status == 401 || status == 403) {
			meaning = (this.endpoint.token() == null)
					? "the model is gated or private (or does not exist): set HF_TOKEN to a token that may read it, "
							+ "and accept the model's terms on the hub"
					: "the token in HF_TOKEN was refused or may not read this model: check it, and accept the "
							+ "model's terms on the hub if it is gated";
		}
		else if (status == 404) {
			meaning = notFound;
		}
		else if (status == 429) {
			meaning = "the hub is limiting requests: wait, then pull again";
		}
		else if (status >= 500) {
			meaning = "the hub failed: pull again later";
		}
		else {
			meaning = "not an answer a hub gives";
		}
		String hubSays = response.headers()
			.firstValue("X-Error-Message")
			.map((text) -> " (the hub says: " + printable(text) + ")")
			.orElse("");
		return new HubException("GET " + response.url() + " answered HTTP " + status + ": " + meaning + hubSays);
	}

	/**
	 * A URL as it may appear in messages and logs: no user info, no query string (a CDN's
	 * signed URL carries its credentials there), no fragment.
	 */
	static String shown(URI uri) {
		String port = (uri.getPort() != -1) ? ":" + uri.getPort() : "";
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		return uri.getScheme() + "://" + uri.getHost() + port + path;
	}

	/** One path segment, percent-encoded: {@code refs/pr/1} becomes {@code refs%2Fpr%2F1}. */
	static String segment(String text) {
		// URLEncoder writes form encoding; a path wants %20, and a literal '+' was already %2B.
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/** A path of segments, each percent-encoded, the slashes between them kept. */
	static String path(String text) {
		return Arrays.stream(text.split("/", -1)).map(HubClient::segment).collect(Collectors.joining("/"));
	}

	static String reason(IOException ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private static String printable(String text) {
		String clean = text.codePoints()
			.filter((c) -> !Character.isISOControl(c))
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return (clean.length() > HUB_MESSAGE_LIMIT) ? clean.substring(0, HUB_MESSAGE_LIMIT) + "…" : clean;
	}

}
