# Parley server image: `docker build -t parley .` then see compose.yaml for a scaled-out deployment.
# Two stages: the build stage compiles TypeScript with the dev dependencies; the runtime stage keeps only what runs,
# as the unprivileged `node` user, with the data directory on a volume.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Compilers for native modules (better-sqlite3, sharp) when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm rebuild && npm run build && npm prune --omit=dev --no-audit --no-fund
# The packaged word vectors' compact cache (node_modules/.cache/parley, 44 MB), made once here: at run time the image is
# read-only to the `node` user, and each start would parse the package's 300 MB JSON again.
RUN node --input-type=module -e "const { WordVectors } = await import('./dist/knowledge/index.js'); if (!WordVectors.shared()) process.exit(1);"

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PARLEY_HOME=/data \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness: /health answers 200 while the process serves and its database answers (/ready also checks Redis).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `node` directly (not npm): signals reach the server, which finishes in-flight turns on SIGTERM. 64 MB semi-spaces:
# a turn's short-lived objects die in fewer scavenges (evaluations/bench/server-process.ts, SERVER_NODE_FLAGS).
CMD ["node", "--max-semi-space-size=64", "dist/bot/app/cli.js", "serve"]
