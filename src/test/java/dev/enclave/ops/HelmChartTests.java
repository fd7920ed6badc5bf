package dev.enclave.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, linted and rendered by Helm's own code (helm-java runs Helm's Go library
 * in-process, so no helm binary is needed), and the rendered objects checked the way a cluster
 * and a security review would look at them: every container bounded and hardened, GPUs only
 * where inference runs, secrets only from Secrets, migrations as a hook.
 */
class HelmChartTests {

	private static final Path CHART = Path.of("helm", "enclave");

	private static final Path VALUES = Path.of("src", "test", "resources", "helm");

	private static final String RELEASE = "acme";

	/** Helm's client-only default (v1.20) is older than the chart's kubeVersion; a cluster states its own. */
	private static final String KUBE_VERSION = "1.30.0";

	private static final String FULLNAME = "acme-enclave";

	private static final YAMLMapper YAML = YAMLMapper.builder().build();

	/** Long-running workloads: their containers need probes. */
	private static final List<String> WORKLOADS = List.of("Deployment");

	/** What {@code helm.sh/hook} annotations are called in the rendered copy (see render). */
	private static final String HOOK = "rendered.enclave.test/hook";

	/** The same as a JSON pointer segment. */
	private static final String HOOK_KEY = HOOK.replace("/", "~1");

	/** A {@code lookup} call of a template. */
	private static final String LOOKUP = "\\(lookup [^)]*\\)";

	@TempDir
	Path temp;

	private int copies;

	@Test
	void lintsStrictly() {
		LintResult lint = new Helm(CHART).lint().strict().call();
		assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
	}

	@Test
	void defaultValuesRenderAHardenedGatewayAndNoGpu() {
		Rendered rendered = render(CHART, List.of());

		assertThat(rendered.text()).doesNotContain("nvidia.com/gpu");
		assertThat(rendered.names("Deployment")).containsExactly(FULLNAME);
		assertThat(rendered.names("HorizontalPodAutoscaler")).containsExactly(FULLNAME);
		assertThat(rendered.names("PodDisruptionBudget")).containsExactly(FULLNAME);
		assertThat(rendered.names("Secret")).as("no Secret from values by default").isEmpty();
		assertThat(rendered.names("ScaledObject")).isEmpty();

		JsonNode gateway = rendered.one("Deployment", FULLNAME);
		assertThat(gateway.path("spec").has("replicas")).as("the HPA owns the replica count").isFalse();
		JsonNode container = gateway.at("/spec/template/spec/containers/0");
		assertThat(container.at("/resources/requests/cpu").asString()).isEqualTo("500m");
		assertThat(container.at("/resources/requests/memory").asString()).isEqualTo("1Gi");
		assertThat(container.path("image").asString()).as("tagged with the appVersion, never latest")
			.isEqualTo("enclave:" + appVersion());
		assertThat(env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION").path("value").asString())
			.isEqualTo("optional:file:/etc/enclave/config/");
		assertThat(env(container, "ENCLAVE_DB_URL").path("value").asString())
			.isEqualTo("jdbc:postgresql://postgresql:5432/enclave?sslmode=require");
		assertThat(mountPaths(container)).contains("/tmp", "/var/lib/enclave", "/var/cache/enclave");
		assertThat(gateway.at("/spec/template/spec/automountServiceAccountToken").asBoolean(true)).isFalse();

		JsonNode test = rendered.one("Pod", FULLNAME + "-test-readiness");
		assertThat(test.at("/metadata/annotations/" + HOOK_KEY).asString()).isEqualTo("test");
		assertThat(texts(test.at("/spec/containers/0/command")))
			.contains("http://" + FULLNAME + ":8080/actuator/health/readiness");

		assertEveryContainerIsBoundedAndHardened(rendered);
		assertSecretsComeFromSecrets(rendered, "enclave-keyset", "enclave-secrets");
	}

	@Test
	void theMigrationIsAHookBeforeTheDeploymentsChange() {
		Rendered rendered = render(CHART, List.of());

		JsonNode job = rendered.one("Job", FULLNAME + "-migrate");
		assertThat(job.at("/metadata/annotations/" + HOOK_KEY).asString()).isEqualTo("pre-install,pre-upgrade");
		assertThat(job.at("/metadata/annotations/" + HOOK_KEY + "-delete-policy").asString())
			.isEqualTo("before-hook-creation,hook-succeeded");
		JsonNode container = job.at("/spec/template/spec/containers/0");
		assertThat(texts(container.path("args"))).containsExactly("migrate");
		assertThat(env(container, "ENCLAVE_DB_PASSWORD").at("/valueFrom/secretKeyRef/name").asString())
			.isEqualTo("enclave-db");
		assertThat(env(container, "ENCLAVE_KEYSET").isMissingNode()).as("a migration needs no keyset").isTrue();
		assertThat(job.at("/spec/template/spec/restartPolicy").asString()).isEqualTo("Never");
	}

	@Test
	void gpuValuesRenderInferenceOnGpuNodesBehindTheGateway() {
		Rendered rendered = render(CHART, List.of(VALUES.resolve("gpu-values.yaml")));
		String inferenceName = FULLNAME + "-inference";

		assertThat(rendered.names("Deployment")).containsExactlyInAnyOrder(FULLNAME, inferenceName);
		for (Container container : rendered.containers()) {
			boolean gpu = container.node().at("/resources/limits").has("nvidia.com/gpu");
			assertThat(gpu).as("nvidia.com/gpu on %s", container).isEqualTo(container.owner().equals(inferenceName));
		}

		JsonNode inference = rendered.one("Deployment", inferenceName);
		JsonNode pod = inference.at("/spec/template/spec");
		JsonNode container = pod.at("/containers/0");
		assertThat(container.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
		assertThat(container.path("image").asString()).endsWith(":0.1.0-cu128");
		assertThat(pod.at("/nodeSelector/nvidia.com~1gpu.present").asString()).isEqualTo("true");
		assertThat(pod.path("tolerations")).anySatisfy((toleration) -> {
			assertThat(toleration.path("key").asString()).isEqualTo("nvidia.com/gpu");
			assertThat(toleration.path("effect").asString()).isEqualTo("NoSchedule");
		});
		JsonNode startup = container.path("startupProbe");
		assertThat(startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt())
			.as("30 minutes to load a model before the pod is given up on")
			.isGreaterThanOrEqualTo(1800);
		assertThat(startup).isNotEqualTo(container.path("livenessProbe"));
		JsonNode models = mount(container, "models");
		assertThat(models.path("mountPath").asString()).isEqualTo("/models");
		assertThat(models.path("readOnly").asBoolean()).isTrue();
		assertThat(volume(pod, "models").at("/persistentVolumeClaim/claimName").asString()).isEqualTo("enclave-models");
		assertThat(volume(pod, "models").at("/persistentVolumeClaim/readOnly").asBoolean()).isTrue();

		JsonNode inferenceConfig = config(rendered, inferenceName);
		JsonNode model = inferenceConfig.at("/enclave/inference/models/0");
		assertThat(model.path("name").asString()).isEqualTo("qwen2.5-7b-instruct");
		assertThat(model.path("path").asString()).isEqualTo("/models/Qwen--Qwen2.5-7B-Instruct");
		assertThat(model.path("sha256sums-digest").asString()).hasSize(64);
		assertThat(inferenceConfig.at("/enclave/inference/prefix-cache").asString())
			.as("no prefix reuse across the gateway's tenants")
			.isEqualTo("0B");

		JsonNode gatewayConfig = config(rendered, FULLNAME + "-gateway");
		JsonNode backends = gatewayConfig.at("/enclave/inference/backends");
		assertThat(backends).hasSize(2);
		JsonNode own = backends.get(0);
		assertThat(own.path("name").asString()).isEqualTo("inference");
		assertThat(own.path("base-url").asString()).isEqualTo("http://" + inferenceName + ":8080/v1");
		assertThat(own.path("api-key-file").asString()).isEqualTo("/etc/enclave/backends/inference/api-key");
		assertThat(own.at("/models/0/name").asString()).isEqualTo("qwen2.5-7b-instruct");
		assertThat(texts(own.at("/models/0/aliases"))).containsExactly("qwen");
		assertThat(own.at("/models/0/context-length").asInt()).isEqualTo(32768);
		assertThat(own.has("api-key")).as("keys are files from Secrets, never configuration").isFalse();
		assertThat(backends.get(1).path("api-key-file").asString()).isEqualTo("/etc/enclave/backends/vllm-a/api-key");
		assertThat(gatewayConfig.at("/enclave/oidc/issuer-uri").asString()).startsWith("https://keycloak");
		assertThat(gatewayConfig.at("/server/forward-headers-strategy").asString()).isEqualTo("framework");
		assertThat(gatewayConfig.at("/management/endpoint/health/group/readiness/include").asString())
			.as("one model server down does not take every gateway replica out of the Service")
			.isEqualTo("readinessState,r2dbc,models");
		JsonNode gatewayPod = rendered.one("Deployment", FULLNAME).at("/spec/template/spec");
		assertThat(volume(gatewayPod, "backend-inference").at("/secret/secretName").asString())
			.isEqualTo("enclave-inference-key");
		assertThat(volume(gatewayPod, "backend-vllm-a").at("/secret/secretName").asString()).isEqualTo("vllm-api-key");

		for (String owner : List.of(FULLNAME, inferenceName, FULLNAME + "-migrate")) {
			Container enclave = rendered.containers().stream()
				.filter((candidate) -> candidate.owner().equals(owner))
				.findFirst()
				.orElseThrow();
			assertThat(env(enclave.node(), "ENCLAVE_DB_URL").path("value").asString()).as("database URL of %s", owner)
				.isEqualTo("jdbc:postgresql://pg.databases.svc.cluster.local:5432/enclave?sslmode=verify-full"
						+ "&sslrootcert=/etc/enclave/pg/ca.crt");
			assertThat(mount(enclave.node(), "pg-ca").path("mountPath").asString()).isEqualTo("/etc/enclave/pg");
			assertThat(volume(enclave.pod(), "pg-ca").at("/configMap/name").asString()).isEqualTo("pg-ca");
		}

		assertThat(rendered.names("PodDisruptionBudget")).containsExactlyInAnyOrder(FULLNAME, inferenceName);
		assertThat(rendered.names("Service")).containsExactlyInAnyOrder(FULLNAME, inferenceName);
		assertThat(rendered.names("NetworkPolicy")).containsExactlyInAnyOrder(FULLNAME, inferenceName);
		assertThat(rendered.one("ServiceMonitor", FULLNAME).at("/spec/endpoints/0/path").asString())
			.isEqualTo("/actuator/prometheus");

		assertEveryContainerIsBoundedAndHardened(rendered);
		assertSecretsComeFromSecrets(rendered, "enclave-keyset", "enclave-secrets");
	}

	@Test
	void kedaScalesItsTargetAndThatTargetHasNoHpa() {
		Rendered inference = render(CHART, List.of(VALUES.resolve("gpu-values.yaml")),
				Map.of("inference.autoscaling.enabled", "true"));
		JsonNode scaled = inference.one("ScaledObject", FULLNAME + "-inference");
		assertThat(scaled.at("/apiVersion").asString()).isEqualTo("keda.sh/v1alpha1");
		assertThat(scaled.at("/spec/scaleTargetRef/name").asString()).isEqualTo(FULLNAME + "-inference");
		assertThat(scaled.at("/spec/triggers/0/type").asString()).isEqualTo("prometheus");
		assertThat(scaled.at("/spec/triggers/0/metadata/query").asString()).contains("enclave_inference_requests_waiting")
			.contains("service=\"" + FULLNAME + "-inference\"");
		assertThat(inference.names("HorizontalPodAutoscaler")).as("KEDA owns the inference HPA").containsExactly(FULLNAME);
		assertThat(inference.one("Deployment", FULLNAME + "-inference").path("spec").has("replicas")).isFalse();

		Rendered gateway = render(CHART, List.of(), Map.of("keda.enabled", "true", "keda.target", "gateway"));
		assertThat(gateway.one("ScaledObject", FULLNAME).at("/spec/scaleTargetRef/name").asString()).isEqualTo(FULLNAME);
		assertThat(gateway.names("HorizontalPodAutoscaler")).as("KEDA owns the gateway HPA").isEmpty();
	}

	@Test
	void thePrefetchHookPullsAndVerifiesBeforeTheMigrationAndTheRollout() {
		Rendered rendered = render(CHART, List.of(VALUES.resolve("gpu-values.yaml")));

		JsonNode job = rendered.one("Job", FULLNAME + "-prefetch");
		assertThat(job.at("/metadata/annotations/" + HOOK_KEY).asString()).isEqualTo("pre-install,pre-upgrade");
		int prefetchWeight = Integer.parseInt(job.at("/metadata/annotations/" + HOOK_KEY + "-weight").asString());
		int migrateWeight = Integer.parseInt(
				rendered.one("Job", FULLNAME + "-migrate").at("/metadata/annotations/" + HOOK_KEY + "-weight").asString());
		assertThat(prefetchWeight).isLessThan(migrateWeight);

		JsonNode pull = job.at("/spec/template/spec/initContainers/0");
		assertThat(texts(pull.path("args"))).containsExactly("model", "pull", "Qwen/Qwen2.5-7B-Instruct", "--revision",
				"main", "--dir", "/models/Qwen--Qwen2.5-7B-Instruct", "--parallel", "4", "--include", "*.json",
				"--include", "*.safetensors");
		assertThat(env(pull, "HF_ENDPOINT").path("value").asString()).isEqualTo("https://hf-mirror.corp.example");
		assertThat(env(pull, "HF_TOKEN").at("/valueFrom/secretKeyRef/name").asString()).isEqualTo("hf-token");
		assertThat(mount(pull, "models").path("readOnly").asBoolean(false)).as("the pull writes the volume").isFalse();

		JsonNode verify = job.at("/spec/template/spec/containers/0");
		assertThat(texts(verify.path("args"))).containsExactly("model", "verify", "/models/Qwen--Qwen2.5-7B-Instruct",
				"--sha256sums-digest", "5c1e0f6f0f1f2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbc");
		assertThat(mount(verify, "models").path("readOnly").asBoolean()).isTrue();
	}

	@Test
	void theIngressKeepsServerSentEventsFlowing() {
		JsonNode ingress = render(CHART, List.of(VALUES.resolve("gpu-values.yaml"))).one("Ingress", FULLNAME);
		JsonNode annotations = ingress.at("/metadata/annotations");
		assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-buffering").asString()).isEqualTo("off");
		assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asString()).isEqualTo("3600");
		assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-send-timeout").asString()).isEqualTo("3600");
		assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-body-size").asString()).isEqualTo("1m");
		assertThat(ingress.at("/spec/rules/0/host").asString()).isEqualTo("enclave.acme.example");
		assertThat(ingress.at("/spec/rules/0/http/paths/0/backend/service/name").asString()).isEqualTo(FULLNAME);
	}

	@Test
	void alertRulesAndDashboardsComeFromTheChartsFilesAndAreAbsentWithoutThem() throws IOException {
		// The shipped files: every alert, its Prometheus template text left as it is for Prometheus.
		Rendered shipped = render(CHART, List.of(VALUES.resolve("gpu-values.yaml")));
		JsonNode shippedRule = shipped.one("PrometheusRule", FULLNAME);
		List<String> alerts = new ArrayList<>();
		shippedRule.at("/spec/groups").forEach((group) -> group.path("rules").forEach((rule) -> alerts.add(rule.path("alert").asString())));
		assertThat(alerts).contains("EnclaveHighErrorRate", "EnclaveLatencyP99OverSlo", "EnclaveInferenceQueueSaturated",
				"EnclaveUpstreamBreakerOpen");
		assertThat(shippedRule.toString()).contains("{{ $labels.uri }}");
		JsonNode shippedDashboards = shipped.one("ConfigMap", FULLNAME + "-dashboards");
		assertThat(shippedDashboards.at("/data/enclave-overview.json").asString()).contains("http_server_requests_seconds");
		assertThat(shippedDashboards.at("/data/enclave-inference.json").asString())
			.contains("enclave_inference_time_to_first_token_seconds_bucket");

		Path bare = copyChart();
		deleteRecursively(bare.resolve("alerts"));
		deleteRecursively(bare.resolve("dashboards"));
		Rendered without = render(bare, List.of(VALUES.resolve("gpu-values.yaml")));
		assertThat(without.names("PrometheusRule")).isEmpty();
		assertThat(without.names("ConfigMap")).doesNotContain(FULLNAME + "-dashboards");

		Path chart = copyChart();
		Files.createDirectories(chart.resolve("alerts"));
		Files.createDirectories(chart.resolve("dashboards"));
		Files.writeString(chart.resolve("alerts").resolve("zz-test-a.yaml"), """
				groups:
				  - name: zz-test-a
				    rules:
				      - alert: ZzTestQueueLong
				        expr: sum(enclave_inference_requests_waiting) > 100
				        for: 5m
				""");
		Files.writeString(chart.resolve("alerts").resolve("zz-test-b.yaml"), """
				groups:
				  - name: zz-test-b
				    rules:
				      - alert: ZzTestDown
				        expr: up == 0
				""");
		Files.writeString(chart.resolve("dashboards").resolve("zz-test.json"), "{\"title\": \"Zz test\"}");

		Rendered with = render(chart, List.of(VALUES.resolve("gpu-values.yaml")));
		JsonNode rule = with.one("PrometheusRule", FULLNAME);
		List<String> groups = new ArrayList<>();
		rule.at("/spec/groups").forEach((group) -> groups.add(group.path("name").asString()));
		assertThat(groups).contains("zz-test-a", "zz-test-b");
		JsonNode dashboards = with.one("ConfigMap", FULLNAME + "-dashboards");
		assertThat(dashboards.at("/metadata/labels/grafana_dashboard").asString()).isEqualTo("1");
		assertThat(dashboards.at("/data/zz-test.json").asString()).contains("Zz test");
	}

	@Test
	void aMinimalValuesFileRenders() {
		Rendered rendered = render(CHART, List.of(VALUES.resolve("minimal-values.yaml")));
		JsonNode gateway = rendered.one("Deployment", FULLNAME);
		assertThat(gateway.at("/spec/replicas").asInt()).isEqualTo(1);
		assertThat(rendered.names("HorizontalPodAutoscaler")).isEmpty();
		assertThat(env(gateway.at("/spec/template/spec/containers/0"), "ENCLAVE_DB_URL").path("value").asString())
			.isEqualTo("jdbc:postgresql://db.internal:5432/enclave?sslmode=require");
		assertEveryContainerIsBoundedAndHardened(rendered);
		assertSecretsComeFromSecrets(rendered, "enclave-keyset", "enclave-secrets");
	}

	@Test
	void generatedSecretsAreRealKeysAndTheNotesWarn() throws Exception {
		Rendered rendered = render(CHART, List.of(VALUES.resolve("generated-secrets-values.yaml")));
		String generated = FULLNAME + "-generated";
		JsonNode secret = rendered.one("Secret", generated);
		assertThat(secret.at("/metadata/annotations/helm.sh~1resource-policy").asString()).isEqualTo("keep");
		assertSecretsComeFromSecrets(rendered, generated, generated);

		String keyset = decode(secret.at("/data/keyset").asString());
		AeadConfig.register();
		KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get());
		Aead aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
		byte[] sealed = aead.encrypt("hello".getBytes(StandardCharsets.UTF_8), new byte[0]);
		assertThat(new String(aead.decrypt(sealed, new byte[0]), StandardCharsets.UTF_8)).isEqualTo("hello");

		RSAKey jwk = RSAKey.parse(decode(secret.at("/data/signing-key.json").asString()));
		assertThat(jwk.isPrivate()).as("Enclave signs with it").isTrue();
		assertThat(jwk.size()).isGreaterThanOrEqualTo(2048);
		SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("admin").build());
		token.sign(new RSASSASigner(jwk));
		assertThat(SignedJWT.parse(token.serialize()).verify(new RSASSAVerifier(jwk.toPublicJWK()))).isTrue();

		assertThat(decode(secret.at("/data/admin-password").asString())).hasSize(24).matches("[A-Za-z0-9]+");

		assertThat(notes(VALUES.resolve("generated-secrets-values.yaml"))).contains("WARNING: secrets.generate is on")
			.contains("FOR TRIALS ONLY")
			.contains(generated);
		assertThat(notes(VALUES.resolve("minimal-values.yaml"))).doesNotContain("WARNING")
			.contains("First login")
			.contains("enclave-secrets");
	}

	@Test
	void theSchemaRejectsAWrongTypeAndAnUnknownKey() {
		assertThatThrownBy(() -> render(CHART, List.of(), Map.of("gateway.replicaCount", "two")))
			.hasMessageContaining("schema")
			.hasMessageContaining("/gateway/replicaCount")
			.hasMessageContaining("want integer");
		assertThatThrownBy(() -> render(CHART, List.of(), Map.of("replicaCount", "2")))
			.hasMessageContaining("additional properties 'replicaCount' not allowed");
		assertThatThrownBy(() -> render(CHART, List.of(), Map.of("keda.target", "everything")))
			.hasMessageContaining("/keda/target")
			.hasMessageContaining("'gateway', 'inference'");
		assertThatThrownBy(() -> render(CHART, List.of(), Map.of("secrets.keyset.key", "")))
			.hasMessageContaining("/secrets/keyset/key");
	}

	@Test
	void theDockerfileUserIsTheChartsUser() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"), StandardCharsets.UTF_8);
		JsonNode values = YAML.readTree(CHART.resolve("values.yaml").toFile());
		String uid = values.path("runAsUser").asString();
		String gid = values.path("runAsGroup").asString();
		assertThat(dockerfile).contains("--uid " + uid).contains("--gid " + gid).contains("USER " + uid + ":" + gid);
	}

	/**
	 * Every container, init, job and test containers included: requests and limits for CPU and
	 * memory, the full restricted security context; long-running ones are probed.
	 */
	private static void assertEveryContainerIsBoundedAndHardened(Rendered rendered) {
		List<Container> containers = rendered.containers();
		assertThat(containers).isNotEmpty();
		for (Container container : containers) {
			JsonNode node = container.node();
			for (String bound : List.of("requests", "limits")) {
				for (String resource : List.of("cpu", "memory")) {
					assertThat(node.at("/resources/" + bound + "/" + resource).isMissingNode())
						.as("%s %s of %s", bound, resource, container)
						.isFalse();
				}
			}
			JsonNode security = node.path("securityContext");
			assertThat(security.path("runAsNonRoot").asBoolean()).as("runAsNonRoot of %s", container).isTrue();
			assertThat(security.path("runAsUser").asInt()).as("runAsUser of %s", container).isEqualTo(10001);
			assertThat(security.path("runAsGroup").asInt()).as("runAsGroup of %s", container).isEqualTo(10001);
			assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as("read-only root of %s", container).isTrue();
			assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("escalation of %s", container).isFalse();
			assertThat(texts(security.at("/capabilities/drop"))).as("capabilities of %s", container).containsExactly("ALL");
			assertThat(security.at("/seccompProfile/type").asString()).as("seccomp of %s", container).isEqualTo("RuntimeDefault");
			JsonNode pod = container.pod().path("securityContext");
			assertThat(pod.path("runAsNonRoot").asBoolean()).as("pod runAsNonRoot of %s", container).isTrue();
			assertThat(pod.at("/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
			if (WORKLOADS.contains(container.kind())) {
				assertThat(node.at("/livenessProbe/httpGet/path").asString()).as("liveness of %s", container)
					.isEqualTo("/actuator/health/liveness");
				assertThat(node.at("/readinessProbe/httpGet/path").asString()).as("readiness of %s", container)
					.isEqualTo("/actuator/health/readiness");
				assertThat(mountPaths(node)).as("writable /tmp of %s", container).contains("/tmp");
				assertThat(volume(container.pod(), "tmp").has("emptyDir")).isTrue();
			}
		}
	}

	/**
	 * The secret settings reach the serving containers only through secretKeyRef, never as
	 * values, and the rendering holds no Secret besides the generated one.
	 */
	private static void assertSecretsComeFromSecrets(Rendered rendered, String keysetSecret, String appSecret) {
		for (Container container : rendered.containers()) {
			if (!WORKLOADS.contains(container.kind())) {
				continue;
			}
			JsonNode node = container.node();
			for (String name : List.of("ENCLAVE_KEYSET", "ENCLAVE_AUTH_SIGNING_KEY", "ENCLAVE_ADMIN_PASSWORD",
					"ENCLAVE_DB_PASSWORD")) {
				JsonNode variable = env(node, name);
				assertThat(variable.has("value")).as("%s of %s as a plain value", name, container).isFalse();
				assertThat(variable.at("/valueFrom/secretKeyRef/name").isString()).as("%s of %s", name, container).isTrue();
			}
			assertThat(env(node, "ENCLAVE_KEYSET").at("/valueFrom/secretKeyRef/name").asString()).isEqualTo(keysetSecret);
			assertThat(env(node, "ENCLAVE_AUTH_SIGNING_KEY").at("/valueFrom/secretKeyRef/name").asString()).isEqualTo(appSecret);
		}
		List<String> secrets = rendered.names("Secret");
		assertThat(secrets).allMatch((name) -> name.equals(FULLNAME + "-generated"));
	}

	private Rendered render(Path chart, List<Path> valuesFiles) {
		return render(chart, valuesFiles, Map.of());
	}

	/**
	 * {@code helm template} as an operator runs it, with two differences of helm-java's
	 * template: it returns the release's manifest without the hooks, and its {@code lookup}
	 * asks a cluster instead of finding nothing. So it renders a copy of the chart whose hook
	 * annotations are renamed ({@link #HOOK}), which makes the hooks ordinary objects of the
	 * manifest, and whose {@code lookup} finds nothing, as on a first install.
	 */
	private Rendered render(Path chart, List<Path> valuesFiles, Map<String, String> set) {
		Path copy = prepare(chart);
		TemplateCommand template = new Helm(copy).template()
			.withName(RELEASE)
			.withNamespace("ai")
			.withKubeVersion(KUBE_VERSION);
		for (Path values : valuesFiles) {
			template = template.withValuesFile(values);
		}
		for (Map.Entry<String, String> entry : set.entrySet()) {
			template = template.set(entry.getKey(), entry.getValue());
		}
		String text = template.call();
		List<JsonNode> objects = new ArrayList<>();
		List<JsonNode> documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll();
		for (JsonNode node : documents) {
			if (node != null && node.isObject() && node.has("kind")) {
				objects.add(node);
			}
		}
		return new Rendered(text, objects);
	}

	/** NOTES.txt as `helm install --dry-run` prints it (helm template leaves it out). */
	private static String notes(Path valuesFile) {
		return new Helm(CHART).install()
			.withName(RELEASE)
			.withNamespace("ai")
			.withKubeVersion(KUBE_VERSION)
			.withValuesFile(valuesFile)
			.clientOnly()
			.withDryRunOption(DryRun.CLIENT)
			.call()
			.getOutput();
	}

	private Path copyChart() throws IOException {
		return copy(CHART, this.temp.resolve("chart-" + (++this.copies)).resolve("enclave"));
	}

	private Path prepare(Path chart) {
		try {
			Path copy = copy(chart, this.temp.resolve("rendered-" + (++this.copies)).resolve("enclave"));
			try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					String text = Files.readString(file, StandardCharsets.UTF_8);
					Files.writeString(file, text.replace("helm.sh/hook", HOOK).replaceAll(LOOKUP, "(dict)"),
							StandardCharsets.UTF_8);
				}
			}
			return copy;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path copy(Path chart, Path copy) throws IOException {
		try (Stream<Path> files = Files.walk(chart)) {
			for (Path file : files.toList()) {
				Path target = copy.resolve(chart.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target);
				}
			}
		}
		return copy;
	}

	private static void deleteRecursively(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	private static String appVersion() {
		Matcher matcher = Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)\"?").matcher(read(CHART.resolve("Chart.yaml")));
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode config(Rendered rendered, String configMap) {
		return YAML.readTree(rendered.one("ConfigMap", configMap).at("/data/application.yml").asString());
	}

	private static JsonNode env(JsonNode container, String name) {
		return find(container.path("env"), (variable) -> variable.path("name").asString().equals(name));
	}

	private static JsonNode mount(JsonNode container, String name) {
		return find(container.path("volumeMounts"), (mount) -> mount.path("name").asString().equals(name));
	}

	private static JsonNode volume(JsonNode pod, String name) {
		return find(pod.path("volumes"), (volume) -> volume.path("name").asString().equals(name));
	}

	private static List<String> mountPaths(JsonNode container) {
		List<String> paths = new ArrayList<>();
		container.path("volumeMounts").forEach((mount) -> paths.add(mount.path("mountPath").asString()));
		return paths;
	}

	private static JsonNode find(JsonNode array, Predicate<JsonNode> test) {
		for (JsonNode item : array) {
			if (test.test(item)) {
				return item;
			}
		}
		return tools.jackson.databind.node.MissingNode.getInstance();
	}

	private static List<String> texts(JsonNode array) {
		List<String> texts = new ArrayList<>();
		array.forEach((item) -> texts.add(item.asString()));
		return texts;
	}

	private static String decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

	/** What `helm template` printed, and the objects in it. */
	record Rendered(String text, List<JsonNode> objects) {

		List<String> names(String kind) {
			return this.objects.stream()
				.filter((object) -> object.path("kind").asString().equals(kind))
				.map((object) -> object.at("/metadata/name").asString())
				.toList();
		}

		JsonNode one(String kind, String name) {
			List<JsonNode> found = this.objects.stream()
				.filter((object) -> object.path("kind").asString().equals(kind)
						&& object.at("/metadata/name").asString().equals(name))
				.toList();
			assertThat(found).as("%s %s in %s", kind, name, names(kind)).hasSize(1);
			return found.get(0);
		}

		/** The containers of every Deployment, Job and Pod, init containers included. */
		List<Container> containers() {
			List<Container> containers = new ArrayList<>();
			for (JsonNode object : this.objects) {
				String kind = object.path("kind").asString();
				JsonNode pod = switch (kind) {
					case "Deployment", "Job" -> object.at("/spec/template/spec");
					case "Pod" -> object.path("spec");
					default -> null;
				};
				if (pod == null) {
					continue;
				}
				String owner = object.at("/metadata/name").asString();
				pod.path("initContainers").forEach((node) -> containers.add(new Container(kind, owner, true, node, pod)));
				pod.path("containers").forEach((node) -> containers.add(new Container(kind, owner, false, node, pod)));
			}
			return containers;
		}

	}

	record Container(String kind, String owner, boolean init, JsonNode node, JsonNode pod) {

		@Override
		public String toString() {
			return this.kind + " " + this.owner + " " + (this.init ? "init container " : "container ")
					+ this.node.path("name").asString();
		}

	}

}
