# deltasql: one process, no JVM. Build: docker build -t deltasql .
# Serve your own warehouse: docker run -v /path/to/tables:/warehouse -p 5433:5433 -p 8080:8080 deltasql \
#   serve --warehouse /warehouse --host 0.0.0.0 --password secret --http-token secret
# (clients come from outside the container's loopback, so a password and token are needed)
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
ENV NODE_ENV=production
EXPOSE 5433 8080
ENTRYPOINT ["node", "dist/server/cli/main.js"]
# The demo by default: docker run -p 5433:5433 -p 8080:8080 deltasql (password "demo", token "demo")
CMD ["demo", "--warehouse", "/data/demo-warehouse", "--host", "0.0.0.0", "--password", "demo", "--http-token", "demo"]
