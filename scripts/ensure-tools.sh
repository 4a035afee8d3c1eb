#!/usr/bin/env bash
# Make sure the outside tools of the report and its tests are there.
#   ensure-tools.sh report  -> headless Chromium and the DejaVu fonts (for rapport.pdf): Debian's
#                              chromium-headless-shell (the PDF at about half the CPU of the browser's);
#                              a chromium already there serves when it cannot be installed
#   ensure-tools.sh test    -> also poppler-utils (pdftoppm, pdftotext) and axe-core from npm
# Installs Debian packages when missing and this machine allows it (root with
# apt-get, as in CI). Otherwise it says why and carries on: the report then
# asks for --no-pdf, and the browser and PDF tests say they were skipped and why.
set -u
what="${1:-test}"
need=()
browser=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 && browser=yes
command -v chromium-headless-shell >/dev/null 2>&1 || need+=(chromium-headless-shell)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "$what" = test ]; then
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: installing ${need[*]} (Debian packages)..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
      || echo "ensure-tools: apt-get failed; what needs ${need[*]} will say so${browser:+ (the PDF uses chromium)}." >&2
  else
    echo "ensure-tools: missing ${need[*]} and cannot install here (needs root and apt-get)${browser:+; the PDF uses chromium}." >&2
  fi
fi
if [ "$what" = test ]; then
  if command -v npm >/dev/null 2>&1; then
    if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
      (cd tests/browser && npm ci --no-audit --no-fund --silent) \
        || echo "ensure-tools: npm ci failed; the axe-core test will be skipped." >&2
    fi
  else
    echo "ensure-tools: npm is missing; the axe-core test will be skipped." >&2
  fi
fi
exit 0
