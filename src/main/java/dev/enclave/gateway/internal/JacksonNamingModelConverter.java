package dev.enclave.gateway.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Names the documented properties as Jackson 3 writes and reads them. swagger-core
 * introspects with Jackson 2, which does not see Jackson 3's {@link JsonNaming}, so without
 * this the document said {@code maxTokens} where the API takes {@code max_tokens}, and a
 * client built from it sent fields the server ignored. Explicit {@link JsonProperty} names
 * stay as they are, as in Jackson.
 */
final class JacksonNamingModelConverter implements ModelConverter {

	private static final String COMPONENTS = "#/components/schemas/";

	@Override
	public @Nullable Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
		Schema<?> schema = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
		if (schema == null || type.getType() == null) {
			return schema;
		}
		Class<?> raw = Json.mapper().constructType(type.getType()).getRawClass();
		JsonNaming naming = raw.getAnnotation(JsonNaming.class);
		PropertyNamingStrategies.NamingBase strategy = (naming != null) ? strategy(naming) : null;
		if (strategy == null) {
			return schema;
		}
		// A reference when the model is a component: rename the component itself.
		Schema<?> model = schema;
		String ref = schema.get$ref();
		if (ref != null && ref.startsWith(COMPONENTS)) {
			model = context.getDefinedModels().get(ref.substring(COMPONENTS.length()));
		}
		if (model != null) {
			rename(model, strategy, explicitNames(raw));
		}
		return schema;
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static void rename(Schema<?> model, PropertyNamingStrategies.NamingBase strategy, Set<String> explicit) {
		Map<String, Schema> properties = model.getProperties();
		if (properties == null) {
			return;
		}
		Map<String, Schema> renamed = new LinkedHashMap<>();
		properties.forEach((name, property) -> renamed.put(translate(name, strategy, explicit), property));
		model.setProperties(renamed);
		if (model.getRequired() != null) {
			List<String> required = new ArrayList<>();
			model.getRequired().forEach((name) -> required.add(translate(name, strategy, explicit)));
			model.setRequired(required);
		}
	}

	private static String translate(String name, PropertyNamingStrategies.NamingBase strategy, Set<String> explicit) {
		// NamingBase translates the name alone; the configuration and the field are not consulted.
		return explicit.contains(name) ? name : strategy.nameForField(null, null, name);
	}

	private static PropertyNamingStrategies.@Nullable NamingBase strategy(JsonNaming naming) {
		try {
			Object strategy = naming.value().getDeclaredConstructor().newInstance();
			return (strategy instanceof PropertyNamingStrategies.NamingBase base) ? base : null;
		}
		catch (ReflectiveOperationException ex) {
			// A strategy without a public no-argument constructor: leave the names as swagger-core found them.
			return null;
		}
	}

	private static Set<String> explicitNames(Class<?> type) {
		Set<String> names = new HashSet<>();
		List<AnnotatedElement> elements = new ArrayList<>(List.of(type.getDeclaredFields()));
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				elements.add(component);
			}
		}
		for (AnnotatedElement element : elements) {
			JsonProperty property = element.getAnnotation(JsonProperty.class);
			if (property != null && !property.value().isEmpty()) {
				names.add(property.value());
			}
		}
		return names;
	}

}
