# deltasql: one process, no JVM. Build: docker build -t deltasql .
# Run the demo over your own warehouse: docker run -v /path/to/tables:/warehouse -p 5433:5433 -p 8080:8080 deltasql
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
ENV NODE_ENV=production
EXPOSE 5433 8080
ENTRYPOINT ["node", "dist/server/cli/main.js"]
CMD ["demo", "--warehouse", "/warehouse"]
