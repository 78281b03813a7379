# syntax=docker/dockerfile:1
# logferry: a Fluent Bit-compatible log agent, laid out as Fluent Bit's image is.
#   docker build -t logferry:0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/logferry:0.1.0 --push .
#   docker run --rm -v "$PWD/fluent-bit.conf:/fluent-bit/etc/fluent-bit.conf:ro" logferry:0.1.0
# /fluent-bit/bin/fluent-bit takes Fluent Bit's command line (the official Helm chart's command and
# args work as they are), the stock parsers files are under /fluent-bit/etc/, and the
# configuration is read from there (where Fluent Bit's images read it, and where
# deploy/kubernetes/ mounts its ConfigMap). README "Container image" has the details.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile: the grammar's parser and the TypeScript sources, with every dependency. Its output
#    is JavaScript, the same for every platform, so with buildx it runs once, on the build
#    machine's platform. No install script runs here: compiling needs none.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY grammar ./grammar
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# 2. Production dependencies only, the optional better-sqlite3 included (the tail and systemd DB
#    need it; npm ci installs optional dependencies). It is a native module: it is fetched
#    prebuilt or compiled (python3, make, g++) for this base image's Node.js, glibc and the
#    target platform, so the runtime stage, on the same base image, can take node_modules as they are.
FROM ${NODE_IMAGE} AS prod-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# 3. Runtime: Node.js, tini, journalctl, the compiled code and the production dependencies; no
#    compiler, no dev dependency, no TypeScript source, no test certificate or key. Runs as the
#    image's unprivileged user `node` (uid 1000); a DaemonSet reading the host's logs runs it as
#    root (docs/deploy.md).
FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="logferry" \
      org.opencontainers.image.description="Log-processing pipeline with a Fluent Bit-compatible config engine, laid out as Fluent Bit's image" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# tini: PID 1 that forwards signals and reaps orphans (the entry point starts it when it is PID 1).
# journalctl: the systemd input reads the journal through it (--directory=<Path>).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini systemd \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
# The agent's Node settings (bin/node-settings.js), given here so that it starts Node once: without
# them bin/logferry.js replaces its process to set them (60-90 ms of CPU at every start). V8's
# --heap-growing-percent, which Node refuses here, the agent sets on itself when it starts.
ENV NODE_OPTIONS=--max-semi-space-size=4 MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY fixtures/container-insights ./fixtures/container-insights
# Fluent Bit's layout: its binary's path (a shim starting logferry) and its stock configuration.
COPY --chmod=0755 deploy/image/bin/fluent-bit /fluent-bit/bin/fluent-bit
COPY deploy/image/etc /fluent-bit/etc
USER 1000:1000
EXPOSE 2020
ENTRYPOINT ["/fluent-bit/bin/fluent-bit"]
CMD ["-c", "/fluent-bit/etc/fluent-bit.conf"]
