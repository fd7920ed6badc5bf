package dev.enclave.inference.internal.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hub's answer to {@code GET /api/models/{repo}/revision/{revision}?blobs=true}: the
 * commit the revision points at and every file in it with its size and digest. A listing
 * that leaves a file unverifiable is refused whole, not pulled in part.
 */
record RepoListing(String commit, List<RepoFile> files) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

	private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

	private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

	static RepoListing parse(byte[] json, String source) {
		JsonNode root;
		try {
			root = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			throw new HubException(source + " did not answer a model listing in JSON", ex);
		}
		String commit = root.path("sha").asString("").toLowerCase(Locale.ROOT);
		if (!COMMIT.matcher(commit).matches()) {
			throw new HubException(source + " names no commit id ('sha') for the revision");
		}
		JsonNode siblings = root.path("siblings");
		if (!siblings.isArray()) {
			throw new HubException(source + " lists no files ('siblings')");
		}
		List<RepoFile> files = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (JsonNode sibling : siblings) {
			RepoFile file = file(sibling, source);
			if (!names.add(file.name())) {
				throw new HubException(source + " lists " + file.name() + " twice");
			}
			files.add(file);
		}
		return new RepoListing(commit, List.copyOf(files));
	}

	private static RepoFile file(JsonNode sibling, String source) {
		String name = sibling.path("rfilename").asString("");
		if (name.isEmpty()) {
			throw new HubException(source + " lists a file without a name ('rfilename')");
		}
		JsonNode lfs = sibling.path("lfs");
		if (lfs.isObject()) {
			String sha256 = lfs.path("sha256").asString("").toLowerCase(Locale.ROOT);
			long size = size(lfs.path("size"), name, source);
			if (!SHA256.matcher(sha256).matches()) {
				throw new HubException(source + " lists LFS file " + name + " without a SHA-256; it cannot be verified");
			}
			return new RepoFile(name, size, sha256, null);
		}
		String blobId = sibling.path("blobId").asString("").toLowerCase(Locale.ROOT);
		if (!SHA1.matcher(blobId).matches()) {
			throw new HubException(source + " lists " + name + " without a git blob id ('blobId', asked for with "
					+ "blobs=true); it cannot be verified");
		}
		return new RepoFile(name, size(sibling.path("size"), name, source), null, blobId);
	}

	private static long size(JsonNode size, String name, String source) {
		if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
			throw new HubException(source + " lists " + name + " without a size; it cannot be verified");
		}
		return size.longValue();
	}

}
