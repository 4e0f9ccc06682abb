#!/usr/bin/env bash
# The rule scaffolder against the real crate. In a scratch copy of the repository (the files
# git tracks, plus untracked ones it does not ignore), scripts/new_rule.py adds one rule of
# every kind it makes, and then the copy must:
# - be formatted and clippy-clean, with the skeletons as generated;
# - pass the registry and documentation meta-tests (tests/registry.rs, tests/docs.rs) once
#   docs/rules.md is regenerated, as the scaffolder's next steps say;
# - fail exactly the two tests that wait for the new rules' logic, on exactly the new rules:
#   their invalid examples fire nothing yet, and their TODO(new_rule) placeholders remain.
# The real tree is never touched. The copy lives at a fixed path in the target directory and
# builds into that same target directory under another package name, so only the crate
# itself compiles (the dependencies are the main build's) and the main build's artifacts
# stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
export CARGO_TARGET_DIR="$target" CARGO_TERM_COLOR=never
copy="$target/scaffold-check/tunelint"

fail() {
    printf 'scaffold-check: %s\n' "$*" >&2
    exit 1
}

rm -rf "$copy"
mkdir -p "$copy"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$copy"
cd "$copy"
# Cargo names a package's artifacts after its name and version, not its path: built as
# `tunelint` into the shared target directory, the copy would replace the main build's
# library, test binaries and binary, and the main tests would then run the copy's code. Under
# another package name (the library keeps its crate name) it shares only the dependencies.
python3 - <<'PY'
import re
from pathlib import Path

manifest = Path("Cargo.toml")
text = manifest.read_text()
text, n = re.subn(r'(?m)^name = "tunelint"$', 'name = "tunelint-scaffold-check"', text, count=1)
# Built to be thrown away: no optimisation, no debug info (less to compile and to store).
text = re.sub(r"(?m)^\[profile\.dev\.package\.tunelint\]\n(?:[a-z-]+ = .*\n)*", "", text)
text += "\n[profile.dev.package.tunelint-scaffold-check]\nopt-level = 0\ndebug = false\n"
targets = '[lib]\nname = "tunelint"\npath = "src/lib.rs"\n\n'
targets += '[[bin]]\nname = "tunelint-scaffold-check"\npath = "src/main.rs"\n\n'
text = text.replace("\n[dependencies]\n", "\n" + targets + "[dependencies]\n", 1)
assert n == 1 and "[lib]" in text, "Cargo.toml: cannot rename the package of the copy"
manifest.write_text(text)
PY

# The next free code of a category: one past its highest.
next_code() {
    local last
    last=$(grep -oE "\b$1[0-9]{3}\b" src/registry.rs | sort | tail -n 1 || true)
    local number="${last:1}"
    printf '%s%03d' "$1" $((10#${number:-0} + 1))
}

new=()
add() {
    python3 scripts/new_rule.py "$@" > /dev/null
    new+=("$1")
}
add "$(next_code J)" scaffold-reader-rule jsonl
add "$(next_code S)" scaffold-format-rule schema --option max_depth=3
add "$(next_code O)" scaffold-conversation-rule order --runs-on conversation
add "$(next_code C)" scaffold-record-rule content --option min_chars=10 --option max_chars=200
add "$(next_code P)" scaffold-message-rule privacy --runs-on message --level error
add "$(next_code T)" scaffold-token-rule tokens --runs-on record
add "$(next_code D)" scaffold-dataset-rule duplicates --runs-on dataset
# A category without rules yet gets its folder and module: B has none today.
add "$(next_code B)" scaffold-balance-rule balance --runs-on dataset --option min_examples=10
echo "added ${new[*]}"

cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
TUNELINT_UPDATE_DOCS=1 cargo test --quiet --test docs rules_md_is_generated > /dev/null
examples=documented_examples_fire_exactly_their_rule
placeholders=no_rule_keeps_the_scaffold_placeholders
cargo test --quiet --test registry --test docs -- --skip "$examples" --skip "$placeholders"

# The two tests that wait for the logic fail, on the new rules and on nothing else.
want=$(printf '%s\n' "${new[@]}" | sort | tr '\n' ' ')
# expect_failure TEST_FILE TEST PATTERN: the test fails, and the codes that start the lines
# matching PATTERN are the new ones. Its output stays in $out.
expect_failure() {
    if out=$(cargo test --quiet --test "$1" "$2" -- --exact 2>&1); then
        fail "$1::$2 passed, but the new rules have no logic yet"
    fi
    local found
    found=$(grep -oE "$3" <<< "$out" | grep -oE '^[A-Z][0-9]{3}' | sort -u | tr '\n' ' ')
    [ "$found" = "$want" ] || fail "$1::$2 failed on [$found], expected [$want]:
$out"
    echo "$1::$2 fails, as it should, on $found"
}
rule='[A-Z][0-9]{3} [a-z0-9-]+'
expect_failure docs "$examples" \
    "$rule: the invalid example at line [0-9]+ of its documentation must fire [A-Z][0-9]{3}, but"
# One wrong example per new rule, its invalid one: the valid ones produce nothing, as they must.
grep -q "^${#new[@]} documented example(s) are wrong" <<< "$out" ||
    fail "expected ${#new[@]} wrong documented examples, the new rules' invalid ones:
$out"
expect_failure registry "$placeholders" "$rule: its documentation"
echo "scaffold-check: ${#new[@]} rules scaffolded and checked in ${SECONDS}s"
