package dev.enclave.privacy;

import java.io.File;
import java.nio.file.Files;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.enclave.storage.DataDirectory;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.conditions.ArchConditions.callMethodWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Enclave never writes prompts or answers to temporary files. No production class may
 * create one; the single exception is {@link DataDirectory#writeSecret}, which writes key
 * material owner-only and moves it into place atomically. (Request bodies are kept out of
 * temporary files by {@code spring.webflux.multipart.max-disk-usage-per-part: 0B}.)
 */
class NoPlaintextTempFilesTests {

	private static final DescribedPredicate<JavaCall<?>> CREATES_A_TEMPORARY_FILE = target(
			owner(equivalentTo(Files.class).or(equivalentTo(File.class))))
		.and(target(nameStartingWith("createTemp")));

	private final JavaClasses production = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.enclave");

	@Test
	void noProductionCodeCreatesTemporaryFiles() {
		noClasses().that()
			.doNotBelongToAnyOf(DataDirectory.class)
			.should(callMethodWhere(CREATES_A_TEMPORARY_FILE))
			.because("prompts and answers must never rest on disk in plain text")
			.check(this.production);
	}

	@Test
	void theRuleSeesTheOneSanctionedCaller() {
		assertThatThrownBy(() -> noClasses().should(callMethodWhere(CREATES_A_TEMPORARY_FILE)).check(this.production))
			.hasMessageContaining(DataDirectory.class.getName());
	}

}
