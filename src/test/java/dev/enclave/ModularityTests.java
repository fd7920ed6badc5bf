package dev.enclave;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module structure of DESIGN.md, enforced: no cycles, no reaching into another module's
 * internals, only declared dependencies. Also writes the module documentation.
 */
class ModularityTests {

	private final ApplicationModules modules = ApplicationModules.of(EnclaveApplication.class);

	@Test
	void modulesRespectTheirBoundaries() {
		this.modules.verify();
	}

	@Test
	void writesModuleDocumentation() throws Exception {
		Path output = Path.of("target", "spring-modulith-docs");
		new Documenter(this.modules, Documenter.Options.defaults().withOutputFolder(output.toString()))
			.writeDocumentation();
		assertThat(output.resolve("components.puml")).exists();
		assertThat(Files.readString(output.resolve("components.puml"))).contains("Gateway").contains("Identity");
	}

}
