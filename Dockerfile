# syntax=docker/dockerfile:1
#
# Enclave's image: the one jar, for every role (gateway, inference, migrate, model pull); the role
# is configuration. Two flavours of DJL's PyTorch natives:
#   docker build -t registry.corp.example/enclave:0.1.0 .                                    (CPU)
#   docker build --build-arg DJL_FLAVOR=cu128 -t registry.corp.example/enclave:0.1.0-cu128 . (NVIDIA GPUs)
# The CPU build of libtorch 2.7.1 is inside the jar (pytorch-native-cpu). DJL publishes no CUDA
# build of 2.7.1 to Maven Central (pytorch-native-cu1xx are absent for it), so the cu128 flavour
# adds PyTorch's own libtorch 2.7.1+cu128 and points DJL at it (PYTORCH_LIBRARY_PATH); the JNI glue
# for cu128 is already in the pytorch-jni jar. See README, "GPUs".
#
# The build needs Maven Central and the npm registry, or your mirrors: pass their settings as
# build secrets (never layers):
#   --secret id=maven-settings,src=$HOME/.m2/settings.xml --secret id=npmrc,src=$HOME/.npmrc

ARG DJL_FLAVOR=cpu

# ---- build: JDK 17 and Node 20 on Debian; the Maven wrapper builds the console and the jar ----
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY frontend/ frontend/
COPY db/ db/
COPY src/ src/
# -DskipTests skips the console's tests too; ./mvnw verify is CI's job, not the image's.
RUN --mount=type=cache,target=/root/.m2 \
    --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=maven-settings,required=false \
    --mount=type=secret,id=npmrc,required=false \
    if [ -f /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi \
 && settings="" && if [ -f /run/secrets/maven-settings ]; then settings="-s /run/secrets/maven-settings"; fi \
 && ./mvnw -B $settings -DskipTests package \
 && cp target/enclave-*.jar /src/enclave.jar

# ---- libtorch with CUDA 12.8, only built for DJL_FLAVOR=cu128 ----
FROM debian:bookworm-slim AS libtorch
# Point it at your mirror in an air-gapped build; pin its SHA-256 to refuse anything else.
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
ARG LIBTORCH_SHA256=""
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/* \
 && curl -fsSL -o /tmp/libtorch.zip "$LIBTORCH_URL" \
 && if [ -n "$LIBTORCH_SHA256" ]; then echo "$LIBTORCH_SHA256  /tmp/libtorch.zip" | sha256sum -c -; fi \
 && unzip -q /tmp/libtorch.zip -d /opt \
 && rm /tmp/libtorch.zip

# ---- runtime: a slim JRE 17, a fixed non-root user (the Helm chart's runAsUser/runAsGroup) ----
FROM eclipse-temurin:17-jre AS runtime
RUN groupadd --system --gid 10001 enclave \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/enclave --no-create-home \
      --shell /usr/sbin/nologin enclave \
 && mkdir -p /app /var/lib/enclave /var/cache/enclave \
 && chown 10001:10001 /var/lib/enclave /var/cache/enclave \
 && chmod 0700 /var/lib/enclave
# The jar stays root's: the process can read it, never change it.
COPY --from=build /src/enclave.jar /app/enclave.jar
# Everything Enclave writes: the data directory (generated keys, the demo model, an embedded
# database when no external one is set) and DJL's native library cache. Kubernetes mounts
# emptyDir volumes here and keeps the root filesystem read-only.
ENV ENCLAVE_DATA_DIR=/var/lib/enclave \
    DJL_CACHE_DIR=/var/cache/enclave/djl \
    DJL_OFFLINE=true
WORKDIR /var/lib/enclave
USER 10001:10001
EXPOSE 8080
# No HEALTHCHECK: Kubernetes probes /actuator/health/liveness and /actuator/health/readiness.
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/app/enclave.jar"]

FROM runtime AS runtime-cpu

FROM runtime AS runtime-cu128
COPY --from=libtorch /opt/libtorch /opt/libtorch
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_FLAVOR=cu128 \
    PYTORCH_VERSION=2.7.1 \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

# The flavour chosen by DJL_FLAVOR; BuildKit builds only the stages it needs.
FROM runtime-${DJL_FLAVOR}
