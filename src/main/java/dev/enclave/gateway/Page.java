package dev.enclave.gateway;

import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One page of a list: {@code {"data": [...], "next_cursor": "..."}}; {@code next_cursor} is
 * null on the last page.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Page<T>(List<T> data, @JsonProperty("next_cursor") @Nullable String nextCursor) {

	/**
	 * Builds a page from rows fetched with {@code limit + 1}: the extra row only says that
	 * another page exists.
	 */
	public static <T> Page<T> of(List<T> rowsPlusOne, int limit, Function<T, PageCursor> cursorOf) {
		if (rowsPlusOne.size() <= limit) {
			return new Page<>(rowsPlusOne, null);
		}
		List<T> page = rowsPlusOne.subList(0, limit);
		return new Page<>(List.copyOf(page), cursorOf.apply(page.get(limit - 1)).encode());
	}

	/** The same page with each row converted, for example to its API view. */
	public <R> Page<R> map(Function<T, R> mapper) {
		return new Page<>(this.data.stream().map(mapper).toList(), this.nextCursor);
	}

}
