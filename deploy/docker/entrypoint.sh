#!/usr/bin/env bash
# The entrypoint of the Traceline image: runs the distribution with the container's arguments, so
#   docker run IMAGE correlate --config /etc/traceline/correlate.yaml
# runs `traceline correlate --config /etc/traceline/correlate.yaml`. Java replaces this script
# (exec): it receives SIGTERM directly and its exit code is the container's.
#
#   TRACELINE_HOME  the folder holding traceline.jar and lib/ (default /opt/traceline)
#   JAVA_OPTS       JVM options (heap, GC, system properties), separated by spaces
#   JAVA_HOME       the JVM to run (default: java on the PATH)
# TRACELINE_* configuration variables reach the stage as they are (docs/configuration.md).
set -euo pipefail
home="${TRACELINE_HOME:-/opt/traceline}"
jar="$home/traceline.jar"
if [ ! -f "$jar" ]; then
  echo "traceline: $jar not found (TRACELINE_HOME names the folder with traceline.jar and lib/)" >&2
  exit 1
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
set -f # JAVA_OPTS is split on spaces, never expanded as a file pattern
# shellcheck disable=SC2086 # word splitting of JAVA_OPTS is intended
exec "$java" ${JAVA_OPTS:-} -jar "$jar" "$@"
