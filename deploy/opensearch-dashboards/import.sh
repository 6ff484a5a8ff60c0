#!/bin/sh
# Imports traceline.ndjson (index patterns, saved searches, the outliers chart, the dashboard) into
# OpenSearch Dashboards, replacing earlier versions of the same objects. Waits until Dashboards
# answers. The one-shot `dashboards-objects` service of docker-compose.yml runs it; by hand:
#   DASHBOARDS=http://localhost:5601 deploy/opensearch-dashboards/import.sh
# With the security plugin on, add credentials: CURL_AUTH=user:password.
# POSIX sh and curl only (it runs in the curl image).
set -eu
DASHBOARDS="${DASHBOARDS:-http://localhost:5601}"
FILE="${FILE:-$(dirname "$0")/traceline.ndjson}"

set -- -fsS
if [ -n "${CURL_AUTH:-}" ]; then
  set -- "$@" -u "$CURL_AUTH"
fi

curl "$@" -o /dev/null --retry 60 --retry-delay 5 --retry-all-errors "$DASHBOARDS/api/status"
answer="$(curl "$@" -X POST "$DASHBOARDS/api/saved_objects/_import?overwrite=true" \
  -H 'osd-xsrf: true' --form "file=@$FILE")"
echo "$answer"
# HTTP 200 also when some objects failed: the answer says which.
case "$answer" in
  *'"success":true'*) ;;
  *) echo "import.sh: the import failed" >&2; exit 1 ;;
esac
