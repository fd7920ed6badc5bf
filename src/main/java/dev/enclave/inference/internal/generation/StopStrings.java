package dev.enclave.inference.internal.generation;

import java.util.List;

/**
 * Cuts the answer at the first stop string, which may arrive split across several pieces
 * of text. Text that could still become the start of a stop string is held back until it
 * either completes one (and is dropped with everything after it) or cannot any more.
 */
final class StopStrings {

	private final List<String> stops;

	private final int longest;

	private final StringBuilder pending = new StringBuilder();

	StopStrings(List<String> stops) {
		this.stops = stops.stream().filter((stop) -> !stop.isEmpty()).toList();
		this.longest = this.stops.stream().mapToInt(String::length).max().orElse(0);
	}

	/** What {@link #push} lets through, and whether a stop string was reached. */
	record Result(String text, boolean stopped) {
	}

	Result push(String text) {
		this.pending.append(text);
		int first = -1;
		for (String stop : this.stops) {
			int at = this.pending.indexOf(stop);
			if (at >= 0 && (first < 0 || at < first)) {
				first = at;
			}
		}
		if (first >= 0) {
			String before = this.pending.substring(0, first);
			this.pending.setLength(0);
			return new Result(before, true);
		}
		int held = heldBack();
		String released = this.pending.substring(0, this.pending.length() - held);
		this.pending.delete(0, this.pending.length() - held);
		return new Result(released, false);
	}

	/** The held-back text, once no more text will come. */
	String flush() {
		String rest = this.pending.toString();
		this.pending.setLength(0);
		return rest;
	}

	private int heldBack() {
		for (int length = Math.min(this.longest - 1, this.pending.length()); length > 0; length--) {
			String tail = this.pending.substring(this.pending.length() - length);
			for (String stop : this.stops) {
				if (stop.startsWith(tail)) {
					return length;
				}
			}
		}
		return 0;
	}

}
