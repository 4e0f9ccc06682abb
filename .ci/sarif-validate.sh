#!/usr/bin/env bash
# Validates tunelint's SARIF with Microsoft's SARIF Multitool: `validate --rule-kind "Gh;Sarif"`
# applies the rules GitHub code scanning applies on upload (GH1001...) and the SARIF spec's own
# (SARIF1001...). Zero errors are allowed; warnings are printed.
#
# The Multitool comes from the npm registry (@microsoft/sarif-multitool, which pulls in a
# self-contained .NET build for this platform: no .NET install is needed) and is cached in
# .ci/.npm-tools (gitignored). Checked: the mixed fixture of tests/ci_formats.rs, and a run
# over 30,000 findings that is cut to the 25,000 results GitHub accepts.
set -euo pipefail
cd "$(dirname "$0")/.."

version=5.7.0
tools=.ci/.npm-tools
package="$tools/node_modules/@microsoft/sarif-multitool"
if [ ! -f "$package/package.json" ] || ! grep -q "\"version\": \"$version\"" "$package/package.json"; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$version" >/dev/null
fi
# The wrapper's bin.js passes arguments through a shell (`Gh;Sarif` would split at the `;`),
# so call the platform binary it points at directly.
multitool=$(node -e 'console.log(require(require("path").resolve(process.argv[1])))' "$package")
chmod u+x "$multitool"

cargo build --quiet
tunelint="$PWD/target/debug/tunelint"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The mixed fixture: J, S, O and C findings and two failed gates (exit status 1).
(cd tests/fixtures/ci && "$tunelint" --isolated --format sarif mixed/ > "$work/mixed.sarif") || [ $? -eq 1 ]
# 30,000 findings: the SARIF keeps 25,000 results, GitHub's limit (GH1004).
awk 'BEGIN {
    e = "{\"messages\": [{\"role\": \"bot\", \"content\": \"Hello there, how are you today?\"}, {\"role\": \"assistant\", \"content\": \"I am fine, thank you.\"}]}";
    w = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello there, how are you today?\"}, {\"role\": \"assistant\", \"content\": \"Fine.\"}]}";
    for (i = 0; i < 30000; i++) print (i % 3 == 2 ? e : w);
}' > "$work/big.jsonl"
(cd "$work" && "$tunelint" --isolated --format sarif big.jsonl > "$work/big.sarif") || [ $? -eq 1 ]

# Counts the errors and warnings in a Multitool log; fails if the Multitool did not run.
count() {
    node -e '
        const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const run = log.runs[0];
        const inv = (run.invocations || [])[0] || {};
        if (!inv.executionSuccessful) {
            for (const n of inv.toolConfigurationNotifications || []) console.error(n.message.text);
            for (const n of inv.toolExecutionNotifications || []) console.error(n.message.text);
            console.error("the SARIF Multitool did not run successfully");
            process.exit(2);
        }
        const levels = (run.results || []).map(r => r.level || "warning");
        console.log(levels.filter(l => l === "error").length, levels.filter(l => l === "warning").length);
    ' "$1"
}

# Runs the Multitool on one file and prints its findings. Status 0: no error; 1: errors;
# 2: the Multitool did not run.
validate() {
    local sarif=$1 log="$work/$(basename "$1").validation.sarif"
    "$multitool" validate --rule-kind "Gh;Sarif" --level "Error;Warning" --max-file-size-in-kb 100000 \
        --output "$log" "$sarif" | grep -E ': (error|warning) ' || true
    local counts errors warnings
    counts=$(count "$log") || return 2
    read -r errors warnings <<< "$counts"
    echo "$(basename "$sarif"): $errors errors, $warnings warnings"
    [ "$errors" -eq 0 ] || return 1
}

# The check must have teeth: a rule without fullDescription breaks GitHub's GH2012.
node -e '
    const fs = require("fs");
    const log = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    delete log.runs[0].tool.driver.rules[0].fullDescription;
    fs.writeFileSync(process.argv[2], JSON.stringify(log));
' "$work/mixed.sarif" "$work/broken.sarif"
broken=0
validate "$work/broken.sarif" >/dev/null || broken=$?
if [ "$broken" -ne 1 ]; then
    echo "the SARIF Multitool did not report the error in a broken file (status $broken)" >&2
    exit 1
fi

status=0
validate "$work/mixed.sarif" || status=1
validate "$work/big.sarif" || status=1
exit $status
