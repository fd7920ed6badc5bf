package dev.enclave.inference.internal.hub;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Hugging Face hub on loopback, scripted by the test: the listing API and the resolve
 * endpoint with {@code Content-Length} and ranges, as huggingface.co answers them. It records
 * every request, and can corrupt, cut, stall or hold a file, redirect file requests, and
 * demand a token.
 */
final class FakeHub implements AutoCloseable {

	static final String REPO = "acme/tiny-model";

	static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

	static final String BIG = "model.safetensors";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

	private final DisposableServer server;

	private final String host;

	private final String prefix;

	private final Map<String, List<HubFile>> repos = new ConcurrentHashMap<>();

	private final List<String> extraNames = new CopyOnWriteArrayList<>();

	private final List<Recorded> requests = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();

	private final Map<String, byte[]> corrupted = new ConcurrentHashMap<>();

	private final Map<String, Cut> cuts = new ConcurrentHashMap<>();

	private final Set<String> stalls = ConcurrentHashMap.newKeySet();

	private final Queue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();

	private final Semaphore arrivals = new Semaphore(0);

	private volatile boolean holdFiles;

	private int holding;

	private int maxHolding;

	private volatile @Nullable String requiredToken;

	private volatile @Nullable FakeHub redirectTo;

	private volatile boolean relativeRedirect;

	private volatile boolean redirectLoop;

	private volatile Ranges ranges = Ranges.HONOURED;

	private FakeHub(String host, String prefix) {
		this.host = host;
		this.prefix = prefix;
		// Loops of its own, so a hub outlives any application context a test might close.
		this.server = HttpServer.create()
			.runOn(LoopResources.create("fake-hub", 1, true))
			.host(host)
			.port(0)
			.handle(this::handle)
			.bindNow();
	}

	/** A hub at {@code http://host:port}. */
	static FakeHub start(String host) {
		return new FakeHub(host, "");
	}

	/** A mirror that serves the hub's API below {@code prefix}, as a company proxy might. */
	static FakeHub start(String host, String prefix) {
		return new FakeHub(host, prefix);
	}

	/** The value of {@code HF_ENDPOINT} for this hub. */
	String url() {
		return "http://" + this.host + ":" + this.server.port() + this.prefix;
	}

	/** Four files: two JSON files, one in a subdirectory and a 3 MiB LFS weight file. */
	static List<HubFile> sampleFiles() {
		Random random = new Random(7);
		return List.of(new HubFile("config.json", "{\"model_type\": \"llama\", \"seed\": 7}".getBytes(StandardCharsets.UTF_8), false),
				new HubFile("tokenizer.json", bytes(random, 5_000), false),
				new HubFile("onnx/model.onnx", bytes(random, 20_000), false),
				new HubFile(BIG, bytes(random, 3 << 20), true));
	}

	FakeHub publish(String repo, List<HubFile> files) {
		this.repos.put(repo, List.copyOf(files));
		return this;
	}

	/** Lists a file under {@code name} that is never served. */
	void listAlso(String name) {
		this.extraNames.add(name);
	}

	/** Serves {@code file} with one byte changed; the listing keeps the true digest. */
	void corrupt(String file) {
		byte[] content = find(REPO, file).content().clone();
		content[content.length / 2] ^= 0x40;
		this.corrupted.put(file, content);
	}

	/**
	 * The next request for {@code file} gets {@code bytes} bytes of it and then, once
	 * {@code when} completes, a closed connection.
	 */
	void cutAfter(String file, long bytes, CompletableFuture<Void> when) {
		this.cuts.put(file, new Cut(bytes, when));
	}

	/** Requests for {@code file} get a few bytes and then nothing, until the hub closes. */
	void stall(String file) {
		this.stalls.add(file);
	}

	/** Holds every file response until {@link #releaseOne()}. */
	void holdFiles() {
		this.holdFiles = true;
	}

	/** Waits (bounded) until {@code count} more file requests have arrived. */
	boolean awaitArrivals(int count, long millis) throws InterruptedException {
		return this.arrivals.tryAcquire(count, millis, TimeUnit.MILLISECONDS);
	}

	/** Lets the oldest held file response go. */
	void releaseOne() {
		CompletableFuture<Void> next;
		synchronized (this) {
			next = this.held.poll();
			if (next != null) {
				this.holding--;
			}
		}
		if (next != null) {
			next.complete(null);
		}
	}

	/** The most file responses held at once: requests sent and not yet answered. */
	synchronized int maxHolding() {
		return this.maxHolding;
	}

	/** Answers 401 to requests without {@code Authorization: Bearer token}. */
	void requireToken(String token) {
		this.requiredToken = token;
	}

	/** Redirects file requests to {@code cdn} with a signed query, as huggingface.co does for LFS files. */
	void redirectFilesTo(FakeHub cdn) {
		this.redirectTo = cdn;
	}

	/** Redirects file requests with a relative {@code Location} to another path of this hub first. */
	void redirectFilesRelative() {
		this.relativeRedirect = true;
	}

	/** Redirects file requests to themselves, forever. */
	void redirectLoop() {
		this.redirectLoop = true;
	}

	/** How the hub answers a {@code Range} header from now on. */
	void ranges(Ranges ranges) {
		this.ranges = ranges;
	}

	List<Recorded> requests() {
		return List.copyOf(this.requests);
	}

	List<Recorded> fileRequests() {
		return this.requests.stream().filter((request) -> request.uri().contains("/resolve/")).toList();
	}

	void clearRequests() {
		this.requests.clear();
	}

	/** Body bytes sent for {@code file}, over all requests. */
	long served(String file) {
		AtomicLong count = this.served.get(file);
		return (count != null) ? count.get() : 0;
	}

	HubFile find(String repo, String name) {
		return this.repos.get(repo).stream().filter((file) -> file.name().equals(name)).findFirst().orElseThrow();
	}

	@Override
	public void close() {
		this.held.forEach((future) -> future.complete(null));
		this.server.disposeNow();
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String uri = request.uri();
		this.requests.add(new Recorded(this.host, request.method().name(), uri, request.requestHeaders().get("Range"),
				request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION)));
		String token = this.requiredToken;
		if (token != null && !("Bearer " + token).equals(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
			return response.status(401)
				.header("X-Error-Message", "Access to model " + REPO + " is restricted.")
				.sendString(Mono.just("{\"error\":\"Access restricted\"}"));
		}
		String path = uri.startsWith("/moved") ? uri.substring("/moved".length()) : uri;
		if (!path.startsWith(this.prefix + "/")) {
			return response.sendNotFound();
		}
		path = path.substring(this.prefix.length());
		if (path.startsWith("/api/models/")) {
			return listing(path, response);
		}
		int resolve = path.indexOf("/resolve/");
		if (resolve < 0) {
			return response.sendNotFound();
		}
		if (this.redirectLoop) {
			return response.sendRedirect(uri);
		}
		if (this.relativeRedirect && !uri.startsWith("/moved")) {
			return response.sendRedirect("/moved" + uri);
		}
		FakeHub cdn = this.redirectTo;
		if (cdn != null) {
			return response.sendRedirect(cdn.url() + path + "?X-Amz-Signature=s3cr3t&X-Amz-Expires=3600");
		}
		// A CDN's signed query string is not part of the file's path.
		path = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
		String repo = path.substring(1, resolve);
		String[] rest = path.substring(resolve + "/resolve/".length()).split("/", 2);
		String name = Arrays.stream(rest[1].split("/")).map(FakeHub::decode).collect(Collectors.joining("/"));
		List<HubFile> files = this.repos.get(repo);
		if (files == null || !rest[0].equals(COMMIT)
				|| files.stream().noneMatch((file) -> file.name().equals(name))) {
			return response.status(404).header("X-Error-Code", "EntryNotFound").send();
		}
		Mono<Void> answer = Mono.defer(() -> Mono.from(file(find(repo, name), request, response)));
		if (!this.holdFiles) {
			return answer;
		}
		CompletableFuture<Void> release = new CompletableFuture<>();
		synchronized (this) {
			this.holding++;
			this.maxHolding = Math.max(this.maxHolding, this.holding);
			this.held.add(release);
		}
		this.arrivals.release();
		return Mono.fromFuture(release).then(answer);
	}

	private Publisher<Void> listing(String path, HttpServerResponse response) {
		String query = "?blobs=true";
		int revision = path.indexOf("/revision/");
		if (!path.endsWith(query) || revision < 0) {
			return response.status(400).send();
		}
		String repo = path.substring("/api/models/".length(), revision);
		List<HubFile> files = this.repos.get(repo);
		if (files == null) {
			return response.status(404)
				.header("X-Error-Code", "RepoNotFound")
				.sendString(Mono.just("{\"error\":\"Repository not found\"}"));
		}
		ObjectNode root = JSON.createObjectNode().put("id", repo).put("sha", COMMIT);
		ArrayNode siblings = root.putArray("siblings");
		for (HubFile file : files) {
			ObjectNode sibling = siblings.addObject().put("rfilename", file.name()).put("size", file.content().length);
			if (file.lfs()) {
				String oid = hex("SHA-256", file.content());
				String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize "
						+ file.content().length + "\n";
				sibling.put("blobId", gitBlobId(pointer.getBytes(StandardCharsets.UTF_8)));
				sibling.putObject("lfs").put("sha256", oid).put("size", file.content().length).put("pointerSize",
						pointer.length());
			}
			else {
				sibling.put("blobId", gitBlobId(file.content()));
			}
		}
		this.extraNames.forEach((name) -> siblings.addObject()
			.put("rfilename", name)
			.put("size", 1)
			.put("blobId", "0".repeat(40)));
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(JSON.writeValueAsString(root)));
	}

	private Publisher<Void> file(HubFile file, HttpServerRequest request, HttpServerResponse response) {
		byte[] content = this.corrupted.getOrDefault(file.name(), file.content());
		long start = 0;
		String range = request.requestHeaders().get("Range");
		if (range != null && this.ranges == Ranges.REFUSED) {
			return response.status(416).header("Content-Range", "bytes */" + content.length).send();
		}
		if (range != null && this.ranges == Ranges.HONOURED) {
			Matcher matcher = RANGE.matcher(range);
			if (!matcher.matches()) {
				return response.status(400).send();
			}
			start = Long.parseLong(matcher.group(1));
			if (start >= content.length) {
				return response.status(416).header("Content-Range", "bytes */" + content.length).send();
			}
			response.status(206)
				.header("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
		}
		int offset = (int) start;
		int length = content.length - offset;
		response.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(length))
			.header(HttpHeaderNames.ACCEPT_RANGES, "bytes")
			.header("X-Repo-Commit", COMMIT);
		AtomicLong counter = this.served.computeIfAbsent(file.name(), (name) -> new AtomicLong());
		Cut cut = this.cuts.remove(file.name());
		if (cut != null) {
			int sent = (int) Math.min(cut.after(), length);
			counter.addAndGet(sent);
			return response.send(Flux.just(Unpooled.wrappedBuffer(content, offset, sent)), (buffer) -> true)
				.then()
				.then(Mono.fromFuture(cut.when()))
				.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose)));
		}
		if (this.stalls.contains(file.name())) {
			int sent = Math.min(1000, length);
			counter.addAndGet(sent);
			return response.send(Flux.just(Unpooled.wrappedBuffer(content, offset, sent)).concatWith(Flux.never()),
					(buffer) -> true);
		}
		counter.addAndGet(length);
		return response.send(Mono.just(Unpooled.wrappedBuffer(content, offset, length)));
	}

	static String gitBlobId(byte[] content) {
		byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
		byte[] blob = Arrays.copyOf(header, header.length + content.length);
		System.arraycopy(content, 0, blob, header.length, content.length);
		return hex("SHA-1", blob);
	}

	static String hex(String algorithm, byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] bytes(Random random, int size) {
		byte[] bytes = new byte[size];
		random.nextBytes(bytes);
		return bytes;
	}

	private static String decode(String segment) {
		return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	/** A file in the repo; {@code lfs} files are listed with their SHA-256, the others with their git blob id. */
	record HubFile(String name, byte[] content, boolean lfs) {
	}

	/** A request as the hub saw it. */
	record Recorded(String host, String method, String uri, @Nullable String range, @Nullable String authorization) {
	}

	private record Cut(long after, CompletableFuture<Void> when) {
	}

	/** What a hub does with {@code Range}: honours it, ignores it (200, whole file) or refuses it (416). */
	enum Ranges {

		HONOURED, IGNORED, REFUSED

	}

}
