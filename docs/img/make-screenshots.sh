#!/usr/bin/env bash
# Regenerate the screenshots in docs/views.md: each view kind written by `kg`, opened offline in
# headless Chromium (Debian package `chromium`; a CJK font such as fonts-wqy-microhei shows the
# Chinese names). Run from the repository root: bash docs/img/make-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
on=2026-01-15

shot() {  # shot NAME URL-SUFFIX SIZE
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --disable-quic --proxy-server=127.0.0.1:9 --hide-scrollbars \
    --user-data-dir="$work/profile-$1" --window-size="$3" --virtual-time-budget=10000 \
    --screenshot="docs/img/$1.png" "file://$work/$1.html$2" 2>/dev/null
}

kg view gallium --depth 2 --as-of $on --out "$work/neighbourhood.html"
kg view --impact gallium --as-of $on --out "$work/impact.html"
kg view --exposure "guided missile" --as-of $on --out "$work/exposure.html"
kg view --path "natural flake graphite" "battery electric vehicle" --as-of $on --out "$work/path.html"
kg view --all --as-of $on --out "$work/all.html"
kg timeline --html "$work/timeline.html"

shot neighbourhood "#node=gallium%20nitride" 1400,900
shot impact "" 1400,900
shot exposure "" 1400,900
shot path "" 1600,700
shot all "" 1600,1000
shot timeline "" 1480,1500
ls -l docs/img/*.png
