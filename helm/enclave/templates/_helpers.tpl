{{/* Names, labels, and the pieces every Enclave container shares. */}}

{{- define "enclave.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "enclave.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The inference Service and Deployment; 53 characters leave room for "-inference". */}}
{{- define "enclave.inferenceName" -}}
{{- printf "%s-inference" (include "enclave.fullname" . | trunc 53 | trimSuffix "-") -}}
{{- end -}}

{{- define "enclave.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Standard labels; call with (dict "root" $ "component" "gateway"). */}}
{{- define "enclave.labels" -}}
helm.sh/chart: {{ include "enclave.chart" .root }}
{{ include "enclave.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: enclave
{{- end -}}

{{- define "enclave.selectorLabels" -}}
app.kubernetes.io/name: {{ include "enclave.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "enclave.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "enclave.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image, tagged with the chart's appVersion unless a tag is given; never latest. */}}
{{- define "enclave.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "enclave.inferenceImage" -}}
{{- $repository := default .Values.image.repository .Values.inference.image.repository -}}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.inference.image.tag -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/* Pod-level security: a fixed non-root user, the runtime's default seccomp profile. */}}
{{- define "enclave.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsGroup }}
fsGroup: {{ .Values.runAsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Container-level security, on every container (init, job and test containers included): nothing
written outside the emptyDir volumes, no privilege escalation, no capabilities.
*/}}
{{- define "enclave.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "enclave.jdbcUrl" -}}
{{- $db := .Values.database -}}
{{- $params := list (printf "sslmode=%s" $db.sslMode) -}}
{{- if $db.parameters }}{{- $params = append $params $db.parameters -}}{{- end -}}
{{- printf "jdbc:postgresql://%s:%d/%s?%s" $db.host (int $db.port) $db.name (join "&" $params) -}}
{{- end -}}

{{- define "enclave.generatedSecretName" -}}
{{- printf "%s-generated" (include "enclave.fullname" . | trunc 53 | trimSuffix "-") -}}
{{- end -}}

{{/* Where a secret comes from: the generated Secret in trial mode, else the operator's. */}}
{{- define "enclave.secretRef" -}}
{{- $ref := index .root.Values.secrets .name -}}
{{- if .root.Values.secrets.generate -}}
name: {{ include "enclave.generatedSecretName" .root }}
key: {{ .generatedKey }}
{{- else -}}
name: {{ required (printf "secrets.%s.existingSecret is required (or secrets.generate for a trial)" .name) $ref.existingSecret }}
key: {{ $ref.key }}
{{- end -}}
{{- end -}}

{{/* The database: what the migrate hook needs, and the first part of every Enclave container's environment. */}}
{{- define "enclave.databaseEnv" -}}
- name: ENCLAVE_DB_URL
  value: {{ include "enclave.jdbcUrl" . | quote }}
- name: ENCLAVE_DB_USER
  value: {{ .Values.database.user | quote }}
- name: ENCLAVE_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required: a Secret with the database password" .Values.database.existingSecret }}
      key: {{ .Values.database.passwordKey }}
- name: ENCLAVE_DATA_DIR
  value: /var/lib/enclave
{{- end -}}

{{/*
The environment of the serving containers, gateway and inference alike: the same database, the
same keyset (a replica with another keyset could not open what the others sealed), the same
token signing key and the same first administrator. Configuration that is not secret comes from
the mounted application.yml.
*/}}
{{- define "enclave.serverEnv" -}}
{{ include "enclave.databaseEnv" . }}
- name: ENCLAVE_KEYSET
  valueFrom:
    secretKeyRef:
      {{- include "enclave.secretRef" (dict "root" . "name" "keyset" "generatedKey" "keyset") | nindent 6 }}
{{- if and .Values.secrets.keysetMasterKey.existingSecret (not .Values.secrets.generate) }}
- name: ENCLAVE_KEYSET_MASTER_KEY_FILE
  value: /etc/enclave/master-key/{{ .Values.secrets.keysetMasterKey.key }}
{{- end }}
- name: ENCLAVE_AUTH_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      {{- include "enclave.secretRef" (dict "root" . "name" "signingKey" "generatedKey" "signing-key.json") | nindent 6 }}
{{- if or .Values.secrets.generate .Values.secrets.adminPassword.existingSecret }}
- name: ENCLAVE_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      {{- include "enclave.secretRef" (dict "root" . "name" "adminPassword" "generatedKey" "admin-password") | nindent 6 }}
{{- end }}
- name: SPRING_CONFIG_ADDITIONAL_LOCATION
  value: optional:file:/etc/enclave/config/
# DJL extracts its native libraries here; the root filesystem is read-only.
- name: DJL_CACHE_DIR
  value: /var/cache/enclave/djl
- name: HOME
  value: /tmp
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The writable places of a serving container, all emptyDir: /tmp (the JVM, Netty's native
transport), the data directory (ENCLAVE_DATA_DIR: only what Enclave generates when it is not
given, e.g. the demo model; with external PostgreSQL nothing else) and DJL's native library
cache. Call with (dict "root" $ "role" .Values.gateway).
*/}}
{{- define "enclave.writableVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .role.tmpSize }}
- name: data
  emptyDir:
    sizeLimit: {{ .role.dataSize }}
- name: native-cache
  emptyDir:
    sizeLimit: {{ .role.nativeCacheSize }}
{{- if and .root.Values.secrets.keysetMasterKey.existingSecret (not .root.Values.secrets.generate) }}
- name: keyset-master-key
  secret:
    secretName: {{ .root.Values.secrets.keysetMasterKey.existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .root.Values.secrets.keysetMasterKey.key }}
        path: {{ .root.Values.secrets.keysetMasterKey.key }}
{{- end }}
{{- with .root.Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "enclave.writableMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/enclave
- name: native-cache
  mountPath: /var/cache/enclave
- name: config
  mountPath: /etc/enclave/config
  readOnly: true
{{- if and .Values.secrets.keysetMasterKey.existingSecret (not .Values.secrets.generate) }}
- name: keyset-master-key
  mountPath: /etc/enclave/master-key
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Probes on Spring Boot's health groups; the startup probe holds the others off while the JVM (and models) start. */}}
{{- define "enclave.probes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .startupProbe.periodSeconds }}
  failureThreshold: {{ .startupProbe.failureThreshold }}
  timeoutSeconds: {{ .startupProbe.timeoutSeconds }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .livenessProbe.periodSeconds }}
  failureThreshold: {{ .livenessProbe.failureThreshold }}
  timeoutSeconds: {{ .livenessProbe.timeoutSeconds }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: http
  periodSeconds: {{ .readinessProbe.periodSeconds }}
  failureThreshold: {{ .readinessProbe.failureThreshold }}
  timeoutSeconds: {{ .readinessProbe.timeoutSeconds }}
{{- end -}}

{{/* Whether KEDA scales the given deployment ("gateway" or "inference"). */}}
{{- define "enclave.kedaScales" -}}
{{- if and .root.Values.keda.enabled (eq .root.Values.keda.target .target) -}}true{{- end -}}
{{- end -}}

{{/* Whether an HPA renders for the role: its autoscaling is on and KEDA does not scale it. */}}
{{- define "enclave.hpaScales" -}}
{{- $role := index .root.Values .target -}}
{{- if and $role.autoscaling.enabled (not (include "enclave.kedaScales" .)) -}}true{{- end -}}
{{- end -}}

{{/*
A token signing key for trials (secrets.generate): Enclave reads an RSA JWK with its private
part, which Helm cannot write directly, so the PKCS#1 key of genPrivateKey is taken apart here.
Its DER body is SEQUENCE { version, n, e, d, ... }; the first four INTEGERs are read (tag,
length in short or long form, value), and n, e and d become the JWK's base64url members.
*/}}
{{- define "enclave.generatedSigningJwk" -}}
{{- $pem := genPrivateKey "rsa" -}}
{{- $der := regexReplaceAll "-----[A-Z ]+-----|\\s" $pem "" | b64dec -}}
{{- $offset := add 2 (sub (index $der 1) 128) -}}
{{- $integers := list -}}
{{- range until 4 -}}
{{- $length := int (index $der (add $offset 1)) -}}
{{- $header := 2 -}}
{{- if ge $length 128 -}}
{{- $lengthBytes := sub $length 128 -}}
{{- $header = add 2 $lengthBytes -}}
{{- $long := 0 -}}
{{- range $i := until (int $lengthBytes) -}}
{{- $long = add (mul $long 256) (index $der (add $offset 2 $i)) -}}
{{- end -}}
{{- $length = $long -}}
{{- end -}}
{{- $value := substr (int (add $offset $header)) (int (add $offset $header $length)) $der -}}
{{- if and (gt (len $value) 1) (eq (int (index $value 0)) 0) -}}
{{- $value = substr 1 (len $value) $value -}}
{{- end -}}
{{- $integers = append $integers ($value | b64enc | replace "+" "-" | replace "/" "_" | trimAll "=") -}}
{{- $offset = add $offset $header $length -}}
{{- end -}}
{{- dict "kty" "RSA" "use" "sig" "alg" "RS256" "kid" uuidv4 "n" (index $integers 1) "e" (index $integers 2) "d" (index $integers 3) | toJson -}}
{{- end -}}

{{/*
A key-encryption keyset for trials: Tink's JSON form of one AES-256-GCM key. The key's value
is the AesGcmKey protobuf: field 3 (key_value), 32 bytes.
*/}}
{{- define "enclave.generatedKeyset" -}}
{{- $id := randInt 1 2147483647 -}}
{{- $value := printf "%s%s" "\x1a\x20" (randBytes 32 | b64dec) | b64enc -}}
{{- $key := dict "keyData" (dict "typeUrl" "type.googleapis.com/google.crypto.tink.AesGcmKey" "value" $value "keyMaterialType" "SYMMETRIC") "status" "ENABLED" "keyId" $id "outputPrefixType" "TINK" -}}
{{- dict "primaryKeyId" $id "key" (list $key) | toJson -}}
{{- end -}}

{{/* The model pull's environment: the company's mirror, and a token for gated models. */}}
{{- define "enclave.prefetchEnv" -}}
- name: HOME
  value: /tmp
{{- with .Values.prefetch.hfEndpoint }}
- name: HF_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- if .Values.prefetch.hfToken.existingSecret }}
- name: HF_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.prefetch.hfToken.existingSecret }}
      key: {{ .Values.prefetch.hfToken.key }}
{{- end }}
{{- end -}}

{{/* Egress every serving pod needs: DNS and PostgreSQL. */}}
{{- define "enclave.commonEgress" -}}
- to:
    {{- toYaml .Values.networkPolicy.dns | nindent 4 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
- to:
    {{- toYaml .Values.networkPolicy.database | nindent 4 }}
  ports:
    - port: {{ .Values.database.port }}
      protocol: TCP
{{- end -}}
