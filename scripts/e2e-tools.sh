#!/usr/bin/env bash
# Installs what the end-to-end test needs, into the project's .e2e-tools/ (ignored by git):
# code-server 4.100.3 from npm (a real VS Code 1.100.3 served to a browser; the 4.100 line is the last
# for Node 20) and, as root with apt, Debian's chromium and ripgrep. Safe to run again: it skips what
# is already there. Override the folder with DTN_E2E_TOOLS.
set -euo pipefail
cd "$(dirname "$0")/.."
CODE_SERVER_VERSION=4.100.3
# The ripgrep that @vscode/ripgrep 1.15.11 (inside code-server) would download from GitHub.
RG_PACKAGE=1.15.11
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
tools="${DTN_E2E_TOOLS:-$PWD/.e2e-tools}"

if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  missing=()
  command -v chromium > /dev/null || missing+=(chromium)
  command -v rg > /dev/null || missing+=(ripgrep)
  dpkg-query -W libkrb5-dev > /dev/null 2>&1 || missing+=(libkrb5-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
  fi
fi
for cmd in chromium rg; do command -v "$cmd" > /dev/null || { echo "e2e-tools: $cmd is missing (apt-get install chromium ripgrep)" >&2; exit 1; }; done

if [ -x "$tools/node_modules/.bin/code-server" ] && [ "$("$tools/node_modules/.bin/code-server" --version | head -1 | cut -d' ' -f1)" = "$CODE_SERVER_VERSION" ]; then
  echo "code-server $CODE_SERVER_VERSION already in $tools"
  exit 0
fi
# @vscode/ripgrep looks in os.tmpdir()/vscode-ripgrep-cache-<version>/ before downloading: give it
# Debian's rg there (only the npm and Debian registries are reachable from CI).
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_PACKAGE"
if [ ! -f "$cache/$RG_ASSET" ]; then
  d=$(mktemp -d)
  cp "$(command -v rg)" "$d/rg"
  mkdir -p "$cache"
  tar czf "$cache/$RG_ASSET" -C "$d" rg
  rm -rf "$d"
fi
mkdir -p "$tools"
cd "$tools"
# (npm init would name the package after the folder, and ".e2e-tools" is not a valid name.)
[ -f package.json ] || echo '{ "name": "dtn-e2e-tools", "private": true }' > package.json
# Its postinstall builds native modules and refuses to run as root without --unsafe-perm (npm 11 warns
# that it does not know the flag, but passes it on); npx must not prompt.
npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm "code-server@$CODE_SERVER_VERSION"
echo "code-server $("$tools/node_modules/.bin/code-server" --version | head -1) in $tools"
