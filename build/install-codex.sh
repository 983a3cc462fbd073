#!/bin/sh
# Installs the pinned Codex CLI from the npm registry into a cache folder, for the tests that run
# real Codex processes; does nothing when that version is already there. The folder is filled
# beside its final place and moved in whole, so a failed install never leaves a half one.
# Usage: install-codex.sh VERSION DIR
set -eu
version="$1"
dest="$2"
bin="$dest/node_modules/.bin/codex"
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "codex-cli $version" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-codex: npm not found; the Codex tests need Node.js and npm to install @openai/codex@$version" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
# Two modules' builds may run this at once (mvn -T): one installs, the other waits and reuses it.
lock="$dest.lock"
tries=0
until mkdir "$lock" 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 600 ]; then
    echo "install-codex: $lock has been held for 10 minutes; remove it if no build is running" >&2
    exit 1
  fi
  sleep 1
done
trap 'rmdir "$lock" 2>/dev/null || true' EXIT
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "codex-cli $version" ]; then
  exit 0
fi
tmp="$(mktemp -d "$dest.partial.XXXXXX")"
trap 'rm -rf "$tmp"; rmdir "$lock" 2>/dev/null || true' EXIT
echo "install-codex: npm install @openai/codex@$version into $dest"
npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error "@openai/codex@$version"
"$tmp/node_modules/.bin/codex" --version
rm -rf "$dest"
mv "$tmp" "$dest"
trap 'rmdir "$lock" 2>/dev/null || true' EXIT
