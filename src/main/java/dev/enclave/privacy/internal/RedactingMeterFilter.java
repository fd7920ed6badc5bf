package dev.enclave.privacy.internal;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.privacy.Redactor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Redacts metric tag values, the one place besides logs where text leaves the process
 * unencrypted (every Prometheus scrape). Tags should never carry user input; this makes sure
 * one that does still carries no personal data.
 */
final class RedactingMeterFilter implements MeterFilter {

	@Override
	public Meter.Id map(Meter.Id id) {
		boolean changed = false;
		List<Tag> redacted = new ArrayList<>();
		for (Tag tag : id.getTagsAsIterable()) {
			String value = Redactor.redact(tag.getValue());
			changed |= !value.equals(tag.getValue());
			redacted.add(Tag.of(tag.getKey(), value));
		}
		return (changed) ? id.replaceTags(redacted) : id;
	}

}
