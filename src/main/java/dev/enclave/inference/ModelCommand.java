package dev.enclave.inference;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.enclave.inference.internal.checkpoint.CheckpointException;
import dev.enclave.inference.internal.checkpoint.ManifestSignatures;
import dev.enclave.inference.internal.checkpoint.ModelDirectory;
import dev.enclave.inference.internal.checkpoint.ModelDirectory.Summary;
import dev.enclave.inference.internal.checkpoint.ModelDirectory.Verified;
import dev.enclave.inference.internal.hub.HubEndpoint;
import dev.enclave.inference.internal.hub.HubException;
import dev.enclave.inference.internal.hub.ModelIntegrityException;
import dev.enclave.inference.internal.hub.ModelPuller;
import dev.enclave.inference.internal.hub.PullProgress;
import dev.enclave.inference.internal.hub.PullRequest;
import dev.enclave.inference.internal.hub.PullResult;
import dev.enclave.shared.CommandFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar enclave.jar model …}: fetch checkpoints from a Hugging Face hub or the
 * company's mirror, verify them, sign them. These commands start nothing: no Spring
 * context, no database, no web server.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
		description = "Pull, verify, list and sign model checkpoints.",
		subcommands = { ModelCommand.Pull.class, ModelCommand.Verify.class, ModelCommand.ListModels.class, ModelCommand.Sign.class,
				ModelCommand.Keygen.class })
public final class ModelCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		throw new ParameterException(this.spec.commandLine(), "Name a model command: pull, verify, list, sign or keygen");
	}

	/** Where pulled models go unless {@code --dir} says otherwise: the data directory's {@code models}. */
	static Path modelsDirectory(Map<String, String> environment) {
		String dataDir = environment.get("ENCLAVE_DATA_DIR");
		return Path.of((dataDir != null && !dataDir.isBlank()) ? dataDir : "data").resolve("models");
	}

	static String size(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		int unit = (int) (Math.log(bytes) / Math.log(1024));
		unit = Math.min(unit, 4);
		return String.format(Locale.ROOT, "%.1f %sB", bytes / Math.pow(1024, unit), "KMGT".charAt(unit - 1));
	}

	static CommandFailure failure(CheckpointException ex) {
		return CommandFailure.failed(ex.getMessage(), ex);
	}

	@Command(name = "verify", mixinStandardHelpOptions = true,
			description = { "Re-check every file of a model directory against its SHA256SUMS, and print the",
					"manifest's own SHA-256 for enclave.inference.models[].sha256sums-digest." })
	static final class Verify implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "DIR", description = "The model directory.")
		Path directory;

		@Option(names = "--public-key", paramLabel = "FILE",
				description = "Also require SHA256SUMS.sig to be a valid signature by this Tink public keyset.")
		Path publicKey;

		@Option(names = "--sha256sums-digest", paramLabel = "HEX",
				description = "Also require SHA256SUMS to have this SHA-256.")
		String pinnedDigest;

		@Override
		public Integer call() {
			Verified verified;
			try {
				verified = ModelDirectory.verify(this.directory, this.publicKey, this.pinnedDigest);
			}
			catch (CheckpointException ex) {
				throw failure(ex);
			}
			PrintWriter out = this.spec.commandLine().getOut();
			out.printf("Verified %d files (%s) in %s%n", verified.files(), size(verified.bytes()), this.directory);
			out.printf("Signature: %s%n", verified.signature());
			if (!verified.unlisted().isEmpty()) {
				out.printf("Not listed in SHA256SUMS, and never loaded: %s%n", String.join(", ", verified.unlisted()));
			}
			out.printf("SHA256SUMS sha256: %s%n", verified.manifestDigest());
			out.printf("Pin it with: enclave.inference.models[].sha256sums-digest: %s%n", verified.manifestDigest());
			out.flush();
			return 0;
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true,
			description = "List the model directories: files, size, signature and manifest digest (no weights are read).")
	static final class ListModels implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = "--dir", paramLabel = "DIR",
				description = "Where the models are (default: $ENCLAVE_DATA_DIR/models, else data/models).")
		Path parent;

		@Override
		public Integer call() {
			Path where = (this.parent != null) ? this.parent : modelsDirectory(System.getenv());
			PrintWriter out = this.spec.commandLine().getOut();
			List<Summary> models;
			try {
				models = ModelDirectory.list(where);
			}
			catch (CheckpointException ex) {
				throw failure(ex);
			}
			if (models.isEmpty()) {
				out.printf("No models in %s%n", where);
			}
			for (Summary model : models) {
				if (!model.sealed()) {
					out.printf("%-40s no SHA256SUMS: not verified (an interrupted pull?)%n", model.name());
					continue;
				}
				out.printf("%-40s %4d files %10s  %-8s  sha256sums %s%n", model.name(), model.files(),
						size(model.bytes()), model.signed() ? "signed" : "unsigned", model.manifestDigest());
			}
			out.flush();
			return 0;
		}

	}

	@Command(name = "sign", mixinStandardHelpOptions = true,
			description = { "Verify a model directory, then write SHA256SUMS.sig: a signature of its manifest with a",
					"Tink private keyset (model keygen). Installations configure the public key as",
					"enclave.inference.models[].signature-public-key and never serve an unsigned model." })
	static final class Sign implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "DIR", description = "The model directory.")
		Path directory;

		@Option(names = "--key", required = true, paramLabel = "FILE", description = "The Tink private signing keyset.")
		Path key;

		@Override
		public Integer call() {
			String digest;
			try {
				digest = ManifestSignatures.sign(this.directory, this.key);
			}
			catch (CheckpointException ex) {
				throw failure(ex);
			}
			PrintWriter out = this.spec.commandLine().getOut();
			out.printf("Signed SHA256SUMS (sha256 %s) of %s: %s%n", digest, this.directory,
					this.directory.resolve(ManifestSignatures.FILE_NAME));
			out.flush();
			return 0;
		}

	}

	@Command(name = "keygen", mixinStandardHelpOptions = true,
			description = "Generate a signing key pair for model sign: a private keyset (owner-only) and its public keyset.")
	static final class Keygen implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = "--private-key", required = true, paramLabel = "FILE",
				description = "Where to write the private keyset; never overwritten.")
		Path privateKey;

		@Option(names = "--public-key", required = true, paramLabel = "FILE",
				description = "Where to write the public keyset.")
		Path publicKey;

		@Option(names = "--algorithm", defaultValue = "ecdsa-p256", paramLabel = "NAME",
				description = "ecdsa-p256 (default) or ed25519.")
		String algorithm;

		@Override
		public Integer call() {
			ManifestSignatures.Algorithm chosen;
			try {
				chosen = ManifestSignatures.Algorithm.of(this.algorithm);
			}
			catch (IllegalArgumentException ex) {
				throw new ParameterException(this.spec.commandLine(), ex.getMessage());
			}
			try {
				ManifestSignatures.generate(chosen, this.privateKey, this.publicKey);
			}
			catch (CheckpointException ex) {
				throw failure(ex);
			}
			PrintWriter out = this.spec.commandLine().getOut();
			out.printf("Wrote the private keyset %s (keep it with the model team) and the public keyset %s%n",
					this.privateKey, this.publicKey);
			out.flush();
			return 0;
		}

	}

	@Command(name = "pull", mixinStandardHelpOptions = true,
			description = { "Download a model from a Hugging Face hub, or the mirror HF_ENDPOINT names, verifying",
					"every file, and write SHA256SUMS last. An interrupted pull resumes when run again.",
					"HF_TOKEN is sent for gated models." })
	static final class Pull implements Callable<Integer> {

		private static final Logger log = LoggerFactory.getLogger(Pull.class);

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "REPO", description = "The repository, such as Qwen/Qwen2.5-0.5B-Instruct.")
		String repo;

		@Option(names = "--revision", defaultValue = "main", paramLabel = "R",
				description = "A branch, tag or commit (default: main).")
		String revision;

		@Option(names = "--dir", paramLabel = "D",
				description = "Where to put it (default: $ENCLAVE_DATA_DIR/models/<org>--<name>, else data/models/…).")
		Path directory;

		@Option(names = "--include", paramLabel = "GLOB",
				description = "Only files whose repository path matches (repeatable), such as '*.safetensors'.")
		List<String> include = new ArrayList<>();

		@Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
				description = "Files downloaded at once (default: 4).")
		int parallel;

		@Override
		public Integer call() throws InterruptedException {
			if (this.parallel < 1 || this.parallel > 64) {
				throw new ParameterException(this.spec.commandLine(), "--parallel must be between 1 and 64");
			}
			Map<String, String> environment = System.getenv();
			Path target = (this.directory != null) ? this.directory
					: modelsDirectory(environment).resolve(this.repo.replace("/", "--"));
			HubEndpoint endpoint;
			try {
				endpoint = HubEndpoint.fromEnvironment(environment);
			}
			catch (IllegalArgumentException ex) {
				throw new ParameterException(this.spec.commandLine(), ex.getMessage());
			}
			PullProgress progress = (System.console() != null) ? PullProgress.bar(System.err) : PullProgress.log(log);
			PullResult result;
			try {
				result = new ModelPuller(ModelPuller.httpClient(), endpoint, progress)
					.pull(new PullRequest(this.repo, this.revision, target, List.copyOf(this.include), this.parallel));
			}
			catch (IllegalArgumentException ex) {
				// The repository, revision or a glob is not valid.
				throw new ParameterException(this.spec.commandLine(), ex.getMessage());
			}
			catch (ModelIntegrityException | CheckpointException ex) {
				throw CommandFailure.failed(ex.getMessage(), ex);
			}
			catch (HubException ex) {
				throw CommandFailure.unavailable(ex.getMessage(), ex);
			}
			catch (IOException | UncheckedIOException ex) {
				throw CommandFailure.unavailable("Cannot write " + target + ": " + ex.getMessage(), ex);
			}
			PrintWriter out = this.spec.commandLine().getOut();
			out.printf("Pulled %s at %s: %d files (%s, %s downloaded) into %s%n", this.repo, result.commit(),
					result.files(), size(result.bytes()), size(result.downloadedBytes()), result.dir());
			out.printf("SHA256SUMS sha256: %s%n", result.manifestDigest());
			out.flush();
			return 0;
		}

	}

}
