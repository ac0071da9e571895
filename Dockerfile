# syntax=docker/dockerfile:1
# chainlake's image: built once (`docker compose build`), then the container runs compiled JavaScript.
# Stage 1 installs every dependency and compiles TypeScript to dist/ (`npm run build`, tsc); stage 2
# holds only dist/, the migrations, package*.json and the production node_modules, and runs as `node`.
# Debian (glibc), not Alpine: the native snappy addon ships prebuilt for glibc.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The whole context (see .dockerignore): npm ci needs every workspace's package.json, and a
# `prepare` script may build during install.
COPY . .
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund
# What the runtime needs, in one directory; workspace packages (clients/*) come along with their build
# because node_modules links to them.
RUN mkdir -p /out \
 && cp -a package.json package-lock.json dist drizzle node_modules /out/ \
 && for d in bin schemas; do if [ -d "$d" ]; then cp -a "$d" /out/; fi; done \
 && if [ -d clients ]; then cp -a clients /out/; fi \
 && ln -s "$(node -p "require('./package.json').bin.chainlake")" /out/chainlake.js \
 && test -f "/out/$(node -p "require('./package.json').bin.chainlake")"

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CHAINLAKE_KEYS_DIR=/var/lib/chainlake/keys \
    OBJECT_STORE=file:///var/lib/chainlake/lake
WORKDIR /app
COPY --from=build /out/ ./
# The seal key and a local lake live in volumes owned by the unprivileged `node` user (uid 1000).
RUN mkdir -p /var/lib/chainlake/keys /var/lib/chainlake/lake \
 && chown -R node:node /var/lib/chainlake \
 && chmod 0700 /var/lib/chainlake/keys
USER node
VOLUME ["/var/lib/chainlake/keys"]
EXPOSE 8080
STOPSIGNAL SIGTERM
# The package's `chainlake` bin (it runs dist/), as `npx chainlake` does.
ENTRYPOINT ["node", "chainlake.js"]
CMD ["serve"]
