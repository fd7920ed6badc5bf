package dev.enclave.inference.internal.scheduler;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.shared.TenantId;

/**
 * KV blocks of prompt prefixes, reused by later requests of the same tenant that start with
 * the same tokens (a system prompt, tool definitions, a conversation's history), so their
 * first token comes sooner. A prefix is cut into blocks of {@link #BLOCK_TOKENS}; block
 * {@code k} is keyed by a chain of HMACs, {@code h(k) = HMAC(h(k-1) || tokens of block k)}
 * with {@code h(0) = HMAC(tenant)}, under a key that lives only in this process: keys never
 * reveal the prompt, and a block is found only by the same tenant with the same tokens
 * before it. Blocks are never shared across tenants (sharing would open a timing side
 * channel on another tenant's prompts). Memory is bounded; the least recently used block
 * goes first, blocks unused for the idle time-to-live expire, and a tenant's blocks are
 * dropped when its data is erased. Used from the scheduler's thread only.
 */
final class PrefixCache implements AutoCloseable {

	/** Tokens per block: large enough that copying a prefix costs a few operations per layer. */
	static final int BLOCK_TOKENS = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private final long maxBytes;

	private final long idleNanos;

	private final LongSupplier nanoTime;

	private final Mac mac;

	/** Access order: the eldest entry is the least recently used. */
	private final LinkedHashMap<String, Entry> blocks = new LinkedHashMap<>(64, 0.75f, true);

	private long bytes;

	private long queriedTokens;

	private long hitTokens;

	PrefixCache(long maxBytes, long idleNanos, LongSupplier nanoTime) {
		this.maxBytes = maxBytes;
		this.idleNanos = idleNanos;
		this.nanoTime = nanoTime;
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		try {
			this.mac = Mac.getInstance(ALGORITHM);
			this.mac.init(new SecretKeySpec(key, ALGORITHM));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	/**
	 * The cached blocks that start {@code tokens} for this tenant, in order, covering at most
	 * {@code limit} tokens; counts the query and the hit.
	 */
	List<LanguageModel.KvBlock> lookup(TenantId tenant, int[] tokens, int limit) {
		expire();
		List<LanguageModel.KvBlock> found = new ArrayList<>();
		int usable = (Math.min(limit, tokens.length) / BLOCK_TOKENS) * BLOCK_TOKENS;
		this.queriedTokens += usable;
		byte[] chain = root(tenant);
		long now = this.nanoTime.getAsLong();
		for (int end = BLOCK_TOKENS; end <= usable; end += BLOCK_TOKENS) {
			chain = link(chain, tokens, end - BLOCK_TOKENS, end);
			Entry entry = this.blocks.get(HexFormat.of().formatHex(chain));
			if (entry == null || !entry.tenant.equals(tenant)) {
				break;
			}
			entry.usedNanos = now;
			found.add(entry.block);
		}
		this.hitTokens += (long) found.size() * BLOCK_TOKENS;
		return found;
	}

	/**
	 * Keeps the blocks of {@code tokens} that {@code sequence} has computed and the cache
	 * does not hold yet: whole blocks only, among its first {@code computed} tokens.
	 */
	void store(TenantId tenant, int[] tokens, int computed, LanguageModel.Sequence sequence) {
		int whole = (Math.min(computed, tokens.length) / BLOCK_TOKENS) * BLOCK_TOKENS;
		byte[] chain = root(tenant);
		long now = this.nanoTime.getAsLong();
		for (int end = BLOCK_TOKENS; end <= whole; end += BLOCK_TOKENS) {
			chain = link(chain, tokens, end - BLOCK_TOKENS, end);
			String key = HexFormat.of().formatHex(chain);
			Entry existing = this.blocks.get(key);
			if (existing != null) {
				existing.usedNanos = now;
				continue;
			}
			LanguageModel.KvBlock block = sequence.copyKv(end - BLOCK_TOKENS, end);
			if (block.bytes() > this.maxBytes) {
				block.close();
				return;
			}
			this.blocks.put(key, new Entry(tenant, block, now));
			this.bytes += block.bytes();
			evictOver(this.maxBytes);
		}
	}

	/** Drops every block of a tenant, when its data is erased. */
	void dropTenant(TenantId tenant) {
		for (Iterator<Entry> entries = this.blocks.values().iterator(); entries.hasNext();) {
			Entry entry = entries.next();
			if (entry.tenant.equals(tenant)) {
				entries.remove();
				this.bytes -= entry.block.bytes();
				entry.block.close();
			}
		}
	}

	long bytes() {
		return this.bytes;
	}

	int blocks() {
		return this.blocks.size();
	}

	/** Prompt tokens looked up so far, and how many of them were found. */
	long queriedTokens() {
		return this.queriedTokens;
	}

	long hitTokens() {
		return this.hitTokens;
	}

	@Override
	public void close() {
		evictOver(0);
	}

	private void expire() {
		long now = this.nanoTime.getAsLong();
		for (Iterator<Entry> entries = this.blocks.values().iterator(); entries.hasNext();) {
			Entry entry = entries.next();
			if (now - entry.usedNanos >= this.idleNanos) {
				entries.remove();
				this.bytes -= entry.block.bytes();
				entry.block.close();
			}
		}
	}

	private void evictOver(long limit) {
		Iterator<Entry> eldest = this.blocks.values().iterator();
		while (this.bytes > limit && eldest.hasNext()) {
			Entry entry = eldest.next();
			eldest.remove();
			this.bytes -= entry.block.bytes();
			entry.block.close();
		}
	}

	private byte[] root(TenantId tenant) {
		return this.mac.doFinal(("enclave-prefix:" + tenant.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	private byte[] link(byte[] previous, int[] tokens, int from, int to) {
		ByteBuffer buffer = ByteBuffer.allocate(previous.length + 4 * (to - from));
		buffer.put(previous);
		for (int i = from; i < to; i++) {
			buffer.putInt(tokens[i]);
		}
		return this.mac.doFinal(buffer.array());
	}

	private static final class Entry {

		private final TenantId tenant;

		private final LanguageModel.KvBlock block;

		private long usedNanos;

		Entry(TenantId tenant, LanguageModel.KvBlock block, long usedNanos) {
			this.tenant = tenant;
			this.block = block;
			this.usedNanos = usedNanos;
		}

	}

}
