package dev.enclave.gateway.internal;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Translates a bean-validation property path ({@code messages[0].systemPrompt}) into the
 * JSON path the client sent ({@code messages[0].system_prompt}), honouring
 * {@code @JsonProperty} and a class-level snake-case {@code @JsonNaming}. Clients must be
 * able to find the field we complain about in their own payload.
 */
final class JsonFieldNames {

	private JsonFieldNames() {
	}

	static String toJsonPath(@Nullable Class<?> root, String javaPath) {
		if (root == null) {
			return javaPath;
		}
		StringBuilder json = new StringBuilder();
		Type current = root;
		for (String segment : javaPath.split("\\.")) {
			int bracket = segment.indexOf('[');
			String name = (bracket >= 0) ? segment.substring(0, bracket) : segment;
			String suffix = (bracket >= 0) ? segment.substring(bracket) : "";
			Class<?> owner = rawClass(current);
			Member member = (owner != null) ? find(owner, name) : null;
			if (json.length() > 0) {
				json.append('.');
			}
			json.append((member != null) ? member.jsonName() : name).append(suffix);
			current = (member != null) ? (suffix.isEmpty() ? member.type() : elementType(member.type())) : Object.class;
		}
		return json.toString();
	}

	private record Member(String jsonName, Type type) {
	}

	private static @Nullable Member find(Class<?> owner, String name) {
		boolean snake = isSnakeCase(owner);
		if (owner.isRecord()) {
			for (RecordComponent component : owner.getRecordComponents()) {
				if (component.getName().equals(name)) {
					JsonProperty property = component.getAnnotation(JsonProperty.class);
					if (property == null) {
						// A record component's annotation lands on the field or the accessor.
						property = component.getAccessor().getAnnotation(JsonProperty.class);
					}
					return new Member(jsonName(name, property, snake), component.getGenericType());
				}
			}
			return null;
		}
		for (Class<?> type = owner; type != null && type != Object.class; type = type.getSuperclass()) {
			try {
				Field field = type.getDeclaredField(name);
				return new Member(jsonName(name, field.getAnnotation(JsonProperty.class), snake), field.getGenericType());
			}
			catch (NoSuchFieldException ex) {
				// look in the superclass
			}
		}
		return null;
	}

	private static String jsonName(String javaName, @Nullable JsonProperty property, boolean snake) {
		if (property != null && !property.value().isEmpty()) {
			return property.value();
		}
		return snake ? snakeCase(javaName) : javaName;
	}

	/** Jackson's SNAKE_CASE rule: an underscore before each upper-case letter, all lower case. */
	private static String snakeCase(String javaName) {
		StringBuilder snake = new StringBuilder(javaName.length() + 4);
		for (int i = 0; i < javaName.length(); i++) {
			char c = javaName.charAt(i);
			if (Character.isUpperCase(c)) {
				if (i > 0 && snake.charAt(snake.length() - 1) != '_') {
					snake.append('_');
				}
				snake.append(Character.toLowerCase(c));
			}
			else {
				snake.append(c);
			}
		}
		return snake.toString();
	}

	private static boolean isSnakeCase(Class<?> owner) {
		JsonNaming naming = owner.getAnnotation(JsonNaming.class);
		return naming != null && PropertyNamingStrategies.SnakeCaseStrategy.class.isAssignableFrom(naming.value());
	}

	private static Type elementType(Type type) {
		if (type instanceof ParameterizedType parameterized) {
			Class<?> raw = rawClass(parameterized);
			Type[] arguments = parameterized.getActualTypeArguments();
			if (raw != null && Collection.class.isAssignableFrom(raw) && arguments.length == 1) {
				return arguments[0];
			}
			if (raw != null && Map.class.isAssignableFrom(raw) && arguments.length == 2) {
				return arguments[1];
			}
		}
		if (type instanceof Class<?> array && array.isArray()) {
			return array.getComponentType();
		}
		return Object.class;
	}

	private static @Nullable Class<?> rawClass(Type type) {
		if (type instanceof Class<?> cls) {
			return cls;
		}
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> cls) {
			return cls;
		}
		return null;
	}

}
