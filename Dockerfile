# The Traceline image: one image for the four stages, chosen by the first argument.
#
#   docker build -t traceline:0.1.0 .
#   docker run --rm traceline:0.1.0 correlate --config /etc/traceline/correlate.yaml
#
# Configuration: the file given with --config (or named by TRACELINE_CONFIG), TRACELINE_* variables
# over it (docs/configuration.md), JVM options in JAVA_OPTS. deploy/config/*.yaml are in
# /etc/traceline as examples with every key and its default.

# Build: the distribution (app/target/traceline.jar and its lib/) from the sources.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds (BuildKit, the default builder of current Docker).
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package -pl app -am

# Run: a JRE, the distribution, a non-root user.
FROM eclipse-temurin:17.0.16_8-jre-noble
RUN groupadd --system --gid 10001 traceline \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/traceline --no-create-home \
      --shell /usr/sbin/nologin traceline \
 && mkdir -p /opt/traceline/bin /var/lib/traceline/correlator \
 && chown -R 10001:10001 /var/lib/traceline
COPY --from=build /src/app/target/lib/ /opt/traceline/lib/
COPY --from=build /src/app/target/traceline.jar /opt/traceline/traceline.jar
COPY deploy/docker/entrypoint.sh /opt/traceline/bin/entrypoint.sh
COPY deploy/config/ /etc/traceline/
# Relative paths in a configuration (the correlator's default stateDir, data/correlator) land in
# the one writable folder of the image. Mount a volume for the correlator's state.
WORKDIR /var/lib/traceline
ENV TRACELINE_HOME=/opt/traceline \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
# The web UI and API of serve; the admin ports (metrics, health) of ingest, correlate, sink, serve.
EXPOSE 8080 9401 9402 9403 9404
ENTRYPOINT ["/opt/traceline/bin/entrypoint.sh"]
CMD ["--help"]
