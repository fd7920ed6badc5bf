package dev.enclave.observability.internal;

import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the tag rules, the span allow-list and the access log. */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

	@Bean
	TagRules tagRules() {
		return new TagRules();
	}

	/** Every span exporter (OTLP, when an endpoint is set) sends only allow-listed attributes. */
	@Bean
	static BeanPostProcessor contentFreeSpanExporters() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof SpanExporter exporter && !(bean instanceof ContentFreeSpans))
						? new ContentFreeSpans(exporter) : bean;
			}
		};
	}

	@Bean
	AccessLog accessLog(ObservabilitySettings settings) {
		return new AccessLog(settings.accessLog().slowThreshold());
	}

	@Bean
	AccessLog.ByteCounter accessLogByteCounter() {
		return new AccessLog.ByteCounter();
	}

}
