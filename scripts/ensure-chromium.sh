#!/usr/bin/env bash
# Make sure headless Chromium is there for the browser test of the report.
# Installs Debian's `chromium` package when it is missing and this machine
# allows it (root with apt-get, as in CI). Otherwise it says why and carries
# on: the browser test then reports itself skipped with that reason.
set -u
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium is missing and cannot be installed here (needs root and apt-get);" \
       "the browser test will be skipped." >&2
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium (for the browser test)..." >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-dejavu-core >/dev/null; }; then
  echo "ensure-chromium: apt-get failed; the browser test will be skipped." >&2
fi
exit 0
