package dev.enclave.inference.internal.demo;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Hugging Face {@code tokenizer.json} written without any download: byte-level BPE with
 * the 256 byte tokens of GPT-2's alphabet and no merges, so it encodes any UTF-8 text, plus
 * added special tokens after the bytes. Token {@code b} is byte {@code b}.
 */
final class ByteLevelTokenizer {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ByteLevelTokenizer() {
	}

	static String json(List<String> specialTokens) {
		ObjectNode root = JSON.createObjectNode();
		root.put("version", "1.0");
		root.putNull("truncation");
		root.putNull("padding");
		ArrayNode added = root.putArray("added_tokens");
		for (int i = 0; i < specialTokens.size(); i++) {
			added.addObject()
				.put("id", 256 + i)
				.put("content", specialTokens.get(i))
				.put("single_word", false)
				.put("lstrip", false)
				.put("rstrip", false)
				.put("normalized", false)
				.put("special", true);
		}
		root.putNull("normalizer");
		root.putObject("pre_tokenizer")
			.put("type", "ByteLevel")
			.put("add_prefix_space", false)
			.put("trim_offsets", true)
			.put("use_regex", false);
		root.putNull("post_processor");
		root.putObject("decoder")
			.put("type", "ByteLevel")
			.put("add_prefix_space", false)
			.put("trim_offsets", true)
			.put("use_regex", false);
		ObjectNode model = root.putObject("model");
		model.put("type", "BPE");
		model.putNull("dropout");
		model.putNull("unk_token");
		model.put("fuse_unk", false);
		model.put("byte_fallback", false);
		ObjectNode vocab = model.putObject("vocab");
		String[] alphabet = alphabet();
		for (int b = 0; b < 256; b++) {
			vocab.put(alphabet[b], b);
		}
		model.putArray("merges");
		return JSON.writeValueAsString(root);
	}

	/**
	 * GPT-2's byte-to-character table: printable Latin-1 bytes stand for themselves, the
	 * others are shifted past 255 in byte order.
	 */
	private static String[] alphabet() {
		String[] alphabet = new String[256];
		int shifted = 0;
		for (int b = 0; b < 256; b++) {
			boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
			alphabet[b] = String.valueOf((char) (printable ? b : 256 + shifted++));
		}
		return alphabet;
	}

}
