#!/usr/bin/env bash
# Makes sure Debian's chromium and chromium-driver are installed for the browser tests
# (HeadlessChromium). The build runs it before the integration tests of the embedded module.
#
# Does nothing, silently, when both executables are there: /usr/bin/chromium and
# /usr/bin/chromedriver, or the paths in TRACELINE_CHROMIUM and TRACELINE_CHROMEDRIVER. Otherwise
# installs the two packages with apt-get, as root or through passwordless sudo; when that is not
# possible it fails, saying what to install.
set -euo pipefail

browser="${TRACELINE_CHROMIUM:-/usr/bin/chromium}"
driver="${TRACELINE_CHROMEDRIVER:-/usr/bin/chromedriver}"
packages=(chromium chromium-driver)

missing() {
  local path
  for path in "$browser" "$driver"; do
    [ -x "$path" ] || printf '%s ' "$path"
  done
}

fail() {
  echo "ensure-chromium: $1" >&2
  echo "ensure-chromium: the browser tests need Debian's packages ${packages[*]}:" >&2
  echo "  sudo apt-get install --no-install-recommends ${packages[*]}" >&2
  echo "ensure-chromium: (or name other executables in TRACELINE_CHROMIUM and" \
    "TRACELINE_CHROMEDRIVER, or skip the integration tests with -DskipITs)" >&2
  exit 1
}

absent="$(missing)"
if [ -z "$absent" ]; then
  exit 0
fi
if [ "$browser" != /usr/bin/chromium ] || [ "$driver" != /usr/bin/chromedriver ]; then
  fail "no executable at ${absent% } (named by TRACELINE_CHROMIUM or TRACELINE_CHROMEDRIVER)"
fi
if ! command -v apt-get >/dev/null 2>&1; then
  fail "no executable at ${absent% }, and no apt-get to install it"
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=env
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n env"
else
  fail "no executable at ${absent% }; installing it needs root or passwordless sudo"
fi

echo "ensure-chromium: no executable at ${absent% }; installing ${packages[*]}" >&2
# $as_root is one or three words, split on purpose.
# shellcheck disable=SC2086
$as_root DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
# shellcheck disable=SC2086
$as_root DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${packages[@]}" >&2

absent="$(missing)"
if [ -n "$absent" ]; then
  fail "apt-get finished, but there is still no executable at ${absent% }"
fi
