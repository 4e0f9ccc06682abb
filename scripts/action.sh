#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml): installs tunelint, runs it once over the
# dataset, and reports to GitHub. action.yml only maps its inputs to the environment
# variables below and calls this script; no input is ever part of the script's text.
#
# Inputs (environment; empty means "not given"):
#   INPUT_PATHS           files and directories to lint (default: .), relative to
#                         $GITHUB_WORKSPACE: one per line when the value has several lines
#                         (a path may then hold spaces), else separated by spaces
#   INPUT_CONFIG          --config FILE
#   INPUT_FORMAT          the format of the step log (default: github, i.e. annotations)
#   INPUT_SARIF_FILE      also write SARIF to this file (--sarif-file)
#   INPUT_MIN_VALID_PCT   --min-valid-pct N
#   INPUT_MAX_DUPLICATES  --max-duplicates N|N%
#   INPUT_TOKEN_STATS     "true" (default) or "false": --token-stats, token totals in the summary
#   INPUT_ARGS            more options, separated by spaces or newlines (split without eval,
#                         without globbing; an option cannot contain a space); its own
#                         --json-summary-file or --summary-file replaces the action's
#   INPUT_DIFF_BASE       "auto" (default): on pull_request events, --diff-base
#                         $PULL_REQUEST_BASE_SHA (report only what the pull request adds or
#                         changes); "false": no --diff-base; else a revision for --diff-base
#   PULL_REQUEST_BASE_SHA the pull request's base commit (github.event.pull_request.base.sha)
#   INPUT_VERSION         the tunelint release to use (default: the version of the action's
#                         own Cargo.toml); "source" builds the action's checkout instead
#   TUNELINT_BIN          a tunelint binary to use as it is (skips the installation)
#   TUNELINT_DOWNLOAD_URL where releases are (default:
#                         https://github.com/tunelint/tunelint/releases/download)
# Runner environment: GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH (each has a fallback, so the
# script also runs outside GitHub).
#
# Installation: $TUNELINT_DOWNLOAD_URL/v$VERSION/tunelint-$TARGET.tar.gz (with the binary
# `tunelint`, or `tunelint.exe`, at its top level), as .github/workflows/release.yml publishes
# it, is downloaded, checked against the sha256 in the file of the same name plus `.sha256`,
# and unpacked into $RUNNER_TEMP. $TARGET is x86_64-unknown-linux-musl or
# aarch64-unknown-linux-musl (static binaries, for any Linux runner), x86_64-apple-darwin,
# aarch64-apple-darwin or x86_64-pc-windows-msvc. A missing asset or a wrong checksum is an
# error (status 2): nothing is built in its place. tunelint is built from the action's
# checkout with `cargo install --locked` only for `version: source`, or on a runner for which
# no binary is released (when the version asked for is the checkout's own).
#
# Outputs ($GITHUB_OUTPUT): sarif-file (the SARIF file written, or empty), valid-pct (one
# decimal, as in the summary), examples, duplicates (empty when linting did not happen).
# They are read with jq (or python where jq is missing) from the document
# --json-summary-file writes, the summary and gates alone: a few kilobytes however many
# findings, where the JSON of every finding (--json-file) takes gigabytes of memory to read
# on a large dataset.
# Exit status: tunelint's own (0 every gate passed, 1 a gate failed, 2 an error kept
# something from being linted, 101 a bug in tunelint), so the step fails exactly when tunelint does.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
workspace=${GITHUB_WORKSPACE:-$PWD}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
outputs=${GITHUB_OUTPUT:-/dev/null}
if command -v cygpath > /dev/null; then
    # Windows (Git Bash): the runner gives D:\a\... paths; bash wants /d/a/...
    action_path=$(cygpath -u "$action_path")
    workspace=$(cygpath -u "$workspace")
    temp=$(cygpath -u "$temp")
fi

die() {
    echo "::error title=tunelint action::$*" >&2
    exit 2
}

# Appends NAME=VALUE to $GITHUB_OUTPUT (the delimiter form when VALUE has a newline).
set_output() {
    if [[ $2 == *$'\n'* ]]; then
        local delimiter="tunelint_$RANDOM$RANDOM$RANDOM"
        printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >> "$outputs"
    else
        printf '%s=%s\n' "$1" "$2" >> "$outputs"
    fi
}

# --- installation -----------------------------------------------------------------------

checkout_version() {
    sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n 1
}

runner_target() {
    case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
        Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
        Linux/ARM64 | Linux/aarch64) echo aarch64-unknown-linux-musl ;;
        macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
        macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
        Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64) echo x86_64-pc-windows-msvc ;;
        *) return 1 ;;
    esac
}

sha256() {
    if command -v sha256sum > /dev/null; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        shasum -a 256 "$1" | cut -d ' ' -f 1
    fi
}

# Downloads the release binary of version $1 for target $2 into directory $3, checks its
# sha256 and sets $tunelint; any failure ends the action (status 2).
download() {
    local version=$1 target=$2 dir=$3 base url expected actual error exe=tunelint
    [[ $target == *windows* ]] && exe=tunelint.exe
    base=${TUNELINT_DOWNLOAD_URL:-https://github.com/tunelint/tunelint/releases/download}
    url="$base/v$version/tunelint-$target.tar.gz"
    mkdir -p "$dir"
    echo "downloading $url"
    # --fail: an HTTP error (404 for a missing asset) is an error, not a saved error page.
    if ! error=$(curl --fail --silent --show-error --location --retry 3 -o "$dir/tunelint.tar.gz" "$url" 2>&1) ||
        ! error=$(curl --fail --silent --show-error --location --retry 3 -o "$dir/tunelint.tar.gz.sha256" "$url.sha256" 2>&1); then
        die "cannot download the release binary of tunelint $version for $target (${error//$'\n'/ }): is $version a release? \"version: source\" builds the action's checkout instead"
    fi
    expected=$(cut -d ' ' -f 1 < "$dir/tunelint.tar.gz.sha256" | tr -d '\r\n')
    actual=$(sha256 "$dir/tunelint.tar.gz")
    [ "$expected" = "$actual" ] ||
        die "the sha256 of $url is $actual, but its .sha256 file says $expected"
    # Relative names: GNU tar would take the "D:" of a Windows path for a remote host.
    (cd "$dir" && tar -xzf tunelint.tar.gz) || die "cannot unpack $url"
    [ -f "$dir/$exe" ] || die "$url has no $exe at its top level"
    chmod +x "$dir/$exe"
    tunelint=$dir/$exe
}

# Builds the action's checkout with its Cargo.lock and sets $tunelint.
build() {
    local root=$temp/tunelint-build
    command -v cargo > /dev/null ||
        die "cargo is not installed: add a Rust toolchain before this step (e.g. dtolnay/rust-toolchain), or use a released version"
    echo "building tunelint from $action_path with cargo install --locked (a few minutes)"
    cargo install --locked --root "$root" --path "$action_path" ||
        die "cargo install --locked --path $action_path failed"
    tunelint=$root/bin/tunelint
    [ -f "$tunelint.exe" ] && tunelint=$tunelint.exe
    return 0
}

# Sets $tunelint: $TUNELINT_BIN, else the release binary for this runner, else (version
# "source", or a runner without a released binary) a build of the checkout.
install() {
    local own target version=${INPUT_VERSION:-}
    version=${version#v}
    if [ -n "${TUNELINT_BIN:-}" ]; then
        [ -f "$TUNELINT_BIN" ] && [ -x "$TUNELINT_BIN" ] ||
            die "TUNELINT_BIN=$TUNELINT_BIN is not an executable file"
        # Absolute, as the run happens in $GITHUB_WORKSPACE.
        tunelint=$(cd "$(dirname "$TUNELINT_BIN")" && pwd)/$(basename "$TUNELINT_BIN")
        return
    fi
    if [ "$version" = source ]; then
        build
        return
    fi
    own=$(checkout_version)
    version=${version:-$own}
    [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
        die "version: \"$INPUT_VERSION\" is not a version such as 0.1.0 (or \"source\")"
    if target=$(runner_target); then
        download "$version" "$target" "$temp/tunelint-$version"
        return
    fi
    echo "no release binary is built for ${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}"
    [ "$version" = "$own" ] ||
        die "tunelint $version has no release binary for this runner, and the action's checkout is $own: leave version empty, set it to $own or to \"source\""
    build
}

echo "::group::Install tunelint"
install
"$tunelint" --version
echo "::endgroup::"

# --- the run ------------------------------------------------------------------------------

# The lists are split at spaces, tabs and newlines by `read -a` (no eval, no globbing);
# `read -d ''` reads the whole value, newlines included, and returns 1 at its end. Paths
# given one per line are split at line ends only, so that a path may hold spaces.
paths=() extra=()
if [[ ${INPUT_PATHS:-} == *$'\n'* ]]; then
    while IFS= read -r line; do
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        [ -n "$line" ] && paths+=("$line")
    done <<< "$INPUT_PATHS"
else
    read -r -d '' -a paths <<< "${INPUT_PATHS:-}" || true
fi
read -r -d '' -a extra <<< "${INPUT_ARGS:-}" || true
[ ${#paths[@]} -gt 0 ] || paths=(.)

# The summary document (--json-summary-file), read for the outputs: the one `args` asks for,
# else one in RUNNER_TEMP, which the runner empties. A summary file in `args` replaces the
# step's.
own_dir=$(mktemp -d "$temp/tunelint-XXXXXX")
figures_file=$own_dir/summary.json
own_figures=true own_summary=true
for ((i = 0; i < ${#extra[@]}; i++)); do
    case "${extra[i]}" in
        --json-summary-file) own_figures=false figures_file=${extra[i + 1]:-} ;;
        --json-summary-file=*) own_figures=false figures_file=${extra[i]#--json-summary-file=} ;;
        --summary-file | --summary-file=*) own_summary=false ;;
    esac
done
[ "$own_figures" = false ] && [[ $figures_file != /* ]] && figures_file=$workspace/$figures_file
command=("$tunelint" check --format "${INPUT_FORMAT:-github}")
[ "$own_figures" = true ] && command+=(--json-summary-file "$figures_file")
[ "$own_summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ] &&
    command+=(--summary-file "$GITHUB_STEP_SUMMARY")
[ -n "${INPUT_SARIF_FILE:-}" ] && command+=(--sarif-file "$INPUT_SARIF_FILE")
[ -n "${INPUT_CONFIG:-}" ] && command+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_MIN_VALID_PCT:-}" ] && command+=(--min-valid-pct "$INPUT_MIN_VALID_PCT")
[ -n "${INPUT_MAX_DUPLICATES:-}" ] && command+=(--max-duplicates "$INPUT_MAX_DUPLICATES")
case "${INPUT_TOKEN_STATS:-true}" in
    true) command+=(--token-stats) ;;
    false) ;;
    *) die "token-stats: \"$INPUT_TOKEN_STATS\" is neither true nor false" ;;
esac
# On a pull request, only what it adds or changes is reported; the base commit must have
# been fetched (actions/checkout with fetch-depth: 0), or tunelint says so (status 2).
case "${INPUT_DIFF_BASE:-auto}" in
    auto)
        if [[ ${GITHUB_EVENT_NAME:-} == pull_request* ]] && [ -n "${PULL_REQUEST_BASE_SHA:-}" ]; then
            command+=(--diff-base "$PULL_REQUEST_BASE_SHA")
        fi
        ;;
    false) ;;
    *) command+=(--diff-base "$INPUT_DIFF_BASE") ;;
esac
# ${a[@]+...}: an empty array is "unbound" under set -u before bash 4.4 (macOS's bash 3.2).
command+=(${extra[@]+"${extra[@]}"} -- "${paths[@]}")

cd "$workspace"
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
    # tunelint does not create directories: `sarif-file: out/tunelint.sarif` should work too.
    # Nothing is removed here: tunelint refuses to write over a dataset or its configuration,
    # and the sarif-file output below names the file only when this run wrote it.
    mkdir -p -- "$(dirname -- "$INPUT_SARIF_FILE")"
fi
echo "Running: ${command[*]}"
status=0
# Standard error is kept too (and shown as it comes): an error that stops tunelint before it
# lints reaches the run page as an annotation and the job summary below.
errors=$own_dir/stderr.txt
"${command[@]}" 2> >(tee -- "$errors" >&2) || status=$?

# --- outputs ------------------------------------------------------------------------------

# Prints "valid_pct examples duplicates" from the summary document $1, with jq, or python
# where jq is missing. When it cannot, it prints why on standard error, in one line, and
# returns 1: neither is installed, or the one there failed (with its last line of error).
summary_figures() {
    local python tool result=0 reason
    if command -v jq > /dev/null; then
        tool=jq
        jq -r '.summary | "\(.valid_pct) \(.examples) \(.duplicates)"' "$1" \
            2> "$own_dir/figures-error.txt" || result=$?
    elif python=$(command -v python3 || command -v python); then
        tool=${python##*/}
        "$python" -c 'import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
print(s["valid_pct"], s["examples"], s["duplicates"])' "$1" 2> "$own_dir/figures-error.txt" || result=$?
    else
        echo "neither jq nor python is installed" >&2
        return 1
    fi
    if [ "$result" -ne 0 ]; then
        reason=$(grep -v '^[[:space:]]*$' "$own_dir/figures-error.txt" | tail -n 1)
        echo "$tool could not read $1 (exit status $result${reason:+: $reason})" >&2
        return 1
    fi
}

# Whether this run wrote its outputs: the action's own summary document is new (a fresh
# folder), and tunelint writes every output together once it has linted.
written=false
if [ "$status" -le 1 ] || { [ "$own_figures" = true ] && [ -s "$figures_file" ]; }; then
    written=true
fi
valid_pct='' examples='' duplicates=''
if [ "$written" = true ] && [ -s "$figures_file" ]; then
    if figures=$(summary_figures "$figures_file" 2> "$own_dir/figures-why.txt"); then
        read -r valid_pct examples duplicates <<< "$figures"
        valid_pct=$(LC_ALL=C printf '%.1f' "$valid_pct" 2> /dev/null) || valid_pct=''
    else
        why=$(tail -n 1 "$own_dir/figures-why.txt")
        why=${why//'%'/%25}
        why=${why//$'\r'/%0D}
        echo "::warning title=tunelint action::${why:-the outputs could not be read}: the outputs valid-pct, examples and duplicates are empty"
    fi
fi
# Stopped before linting (a usage, configuration or input error): no annotation or summary
# of tunelint's says why, so each error line becomes both.
if [ "$written" = false ]; then
    # The process substitution above may still be writing: give it a moment.
    for _ in 1 2 3 4 5; do [ -s "$errors" ] && break; sleep 0.2; done
    # A bug in tunelint (status 101) says "internal error": it becomes an annotation too,
    # not a silent failed step.
    while IFS= read -r line; do
        heading='stopped before linting'
        message=${line#tunelint: error: }
        if [ "$message" = "$line" ]; then
            message=${line#tunelint: internal error: }
            [ "$message" != "$line" ] || continue
            heading='internal error'
            message="internal error: $message"
        fi
        escaped=${message//'%'/%25}
        escaped=${escaped//$'\r'/%0D}
        echo "::error title=tunelint::$escaped"
        if [ "$own_summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
            printf '## ❌ tunelint: %s\n\n%s\n\n' "$heading" "$message" >> "$GITHUB_STEP_SUMMARY"
        fi
    done < "$errors"
fi
sarif=''
# A run that ends with status 0 or 1 wrote every output it was asked for, and one that ends
# with 2 after linting (a file it could not read) too; with 2 before linting (a usage,
# configuration or input error) a file in the way is an earlier run's, or not a SARIF file.
if [ -n "${INPUT_SARIF_FILE:-}" ] && [ "$written" = true ] && [ -f "$INPUT_SARIF_FILE" ]; then
    sarif=$INPUT_SARIF_FILE
fi
set_output sarif-file "$sarif"
set_output valid-pct "$valid_pct"
set_output examples "$examples"
set_output duplicates "$duplicates"

exit "$status"
