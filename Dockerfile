# logferry: a Fluent Bit-compatible log agent.
#   docker build -t logferry:0.1.0 .
#   docker run --rm -v "$PWD/fluent-bit.conf:/fluent-bit/etc/fluent-bit.conf:ro" logferry:0.1.0
# The configuration is read from /fluent-bit/etc/ (where Fluent Bit's images read it, and where
# deploy/kubernetes/ mounts its ConfigMap).
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile: the grammar's parser and the TypeScript sources, with every dependency. No install
#    script runs here: compiling needs none, and better-sqlite3's native module is built in stage 2.
FROM ${NODE_IMAGE} AS build
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
#    prebuilt or compiled (python3, make, g++) for this base image's Node.js and glibc, so the
#    runtime stage, on the same base image, can take node_modules as they are.
FROM ${NODE_IMAGE} AS prod-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# 3. Runtime: Node.js, journalctl, the compiled code and the production dependencies; no
#    compiler, no dev dependency, no TypeScript source. Runs as the image's unprivileged user
#    `node` (uid 1000); the DaemonSet runs it as root only to read the host's logs.
FROM ${NODE_IMAGE} AS runtime
# journalctl: the systemd input reads the journal through it (--directory=<Path>).
RUN apt-get update \
 && apt-get install -y --no-install-recommends systemd \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY fixtures/container-insights ./fixtures/container-insights
# The local endpoint's certificate (logferry aws-local --tls), as the npm package ships it.
COPY fixtures/tls ./fixtures/tls
USER 1000:1000
EXPOSE 2020
ENTRYPOINT ["node", "/app/bin/logferry.js"]
CMD ["run", "-c", "/fluent-bit/etc/fluent-bit.conf"]
