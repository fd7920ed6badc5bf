package dev.enclave.inference.testing;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Hugging Face {@code tokenizer.json} whose tokens are single bytes (GPT-2's byte-level
 * alphabet, no merges) plus added special tokens: token {@code b} is byte {@code b}, so a
 * Chinese character is always split across three tokens.
 */
public final class TestTokenizers {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestTokenizers() {
	}

	/** The JSON; special tokens get ids 256, 257, ... in order. */
	public static String byteLevel(List<String> specialTokens) {
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
		for (int b = 0; b < 256; b++) {
			vocab.put(byteChar(b), b);
		}
		model.putArray("merges");
		return JSON.writeValueAsString(root);
	}

	/** GPT-2's printable stand-in for a byte. */
	static String byteChar(int b) {
		if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
			return String.valueOf((char) b);
		}
		int shifted = 0;
		for (int i = 0; i < b; i++) {
			if (!((i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF))) {
				shifted++;
			}
		}
		return String.valueOf((char) (256 + shifted));
	}

}
