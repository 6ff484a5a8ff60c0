# kinesalite, a Kinesis API server in memory, for the local docker-compose.yml: the version the
# integration tests run, pinned with every dependency by embedded/kinesalite/package-lock.json.
# Build context: the repository root.
FROM node:20.19.5-bookworm-slim
WORKDIR /opt/kinesalite
COPY embedded/kinesalite/package.json embedded/kinesalite/package-lock.json ./
# --ignore-scripts: the optional native leveldown is not built; kinesalite then keeps its streams in
# memory, as it does without --path.
RUN npm ci --ignore-scripts --omit=dev && npm cache clean --force
USER node
EXPOSE 4567
ENTRYPOINT ["node", "node_modules/kinesalite/cli.js", "--port", "4567", "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0"]
