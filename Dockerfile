# syntax=docker/dockerfile:1
# The gateway as an image: build with every dependency, run with the
# production ones only, as an unprivileged user. `.ci/run` replays the
# install-and-start steps of this file in a temporary copy of the repository
# (scripts/ci/dockerfile-run.ts); test/production/image.test.ts checks the rest.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY packages/sdk packages/sdk
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# Which build this is (e.g. --build-arg BUILD_ID=$(git rev-parse HEAD)): part of the
# response-cache key, so a rolling deploy of resolver-only changes shares no results.
ARG BUILD_ID=
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 BUILD_ID=${BUILD_ID}
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/
# npm's cache stays in BuildKit's cache mount, out of the image.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist dist
# The default allow-list of PERSISTED_OPERATIONS=only (the SDK's operations).
COPY packages/sdk/src/generated/persisted-documents.json packages/sdk/src/generated/
USER node
EXPOSE 4000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
