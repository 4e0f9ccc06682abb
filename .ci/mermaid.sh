#!/usr/bin/env bash
# Installs Mermaid (the library GitHub renders ```mermaid blocks with) and jsdom (the DOM it
# needs outside a browser) from the npm registry into .ci/.npm-tools (gitignored), pinned, for
# tests/stats.rs: it parses every Mermaid chart `--format markdown` writes with
# .ci/mermaid-parse.mjs, and fails under CI=true when they are missing. tunelint itself never
# runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=.ci/.npm-tools
have() { [ -f "$tools/node_modules/$1/package.json" ] && grep -q "\"version\": \"$2\"" "$tools/node_modules/$1/package.json"; }
if ! have mermaid 11.17.2 || ! have jsdom 24.1.3; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error mermaid@11.17.2 jsdom@24.1.3 >/dev/null
fi
node .ci/mermaid-parse.mjs --self-test
