# syntax=docker/dockerfile:1
# Build stage: install everything, build the API (SWC) and the admin SPA (Vite).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --projects=api,admin --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies and build output only, as the unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 ADMIN_DIST_DIR=dist/apps/admin
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# In a container DATABASE_URL, JWT_SECRET and SECRETS_ENCRYPTION_KEY are required: replicas share one Postgres.
# The heap cap matches `npm start` (tools/scripts/start.mjs): it keeps a busy replica near 220 MB RSS.
CMD ["node", "--max-old-space-size=512", "--enable-source-maps", "dist/api/apps/api/src/main.js"]
