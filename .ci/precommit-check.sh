#!/usr/bin/env bash
# Tests the pre-commit hooks (.pre-commit-hooks.yaml) the way a user runs them: pre-commit
# from PyPI validates the manifest and the README's configuration, then `pre-commit try-repo
# <this repository> HOOK --all-files` runs in a scratch git repository, once on a clean
# dataset (must pass) and once on a broken one (must fail and print the diagnostic), for each
# hook (the source hook on the broken one only):
#   - `tunelint` (language: python): pre-commit runs `pip install .`, the root pyproject.toml
#     shim, which depends on tunelint==VERSION. It runs with cargo and rustc removed from PATH
#     and pip pointed at a local wheelhouse only (PIP_FIND_LINKS, PIP_NO_INDEX): the wheel that
#     .ci/wheel-check.sh built (target/ci-wheels/, built here if missing) and setuptools, the
#     shim's build backend. pip's log must show the tunelint wheel installed, nothing built
#     but the shim; the time of each try-repo (a fresh environment each time) is printed.
#   - `tunelint-src` (language: rust): pre-commit builds the checkout with its own `cargo
#     install --bins --path .` (a release build), exactly as `repo:
#     https://github.com/tunelint/tunelint` in a user's config does. try-repo uses a fresh
#     temporary store on every call (PRE_COMMIT_HOME does not apply), so the build is cached
#     through CARGO_TARGET_DIR instead: it points at this checkout's target/, where the release
#     build of `cargo run --release` (.ci/run) already is, so only the tunelint crate itself is
#     compiled. It runs on the broken dataset only (see below).
#
# try-repo on a local path takes the repository's HEAD and, when tracked files are modified,
# a temporary commit of them; it leaves untracked files out. A clean checkout (CI) is used as
# it is; a checkout with changes is first copied, tracked and untracked files alike, into a
# temporary repository with one commit, so what is tested is the working tree.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=.ci/venv.sh
source .ci/venv.sh
venv_install pre-commit==4.7.0 maturin==1.16.0
pre_commit=$PWD/$VENV_BIN/pre-commit
"$pre_commit" --version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$pre_commit" validate-manifest .pre-commit-hooks.yaml
echo "validate-manifest: .pre-commit-hooks.yaml is valid"
# The README's copy-paste .pre-commit-config.yaml.
"$VENV_BIN/python" - README.md 'repo: https://github.com/tunelint/tunelint' > "$work/readme-config.yaml" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if sys.argv[2] in b]
if len(blocks) != 1:
    sys.exit(f"README.md: {len(blocks)} yaml blocks with {sys.argv[2]!r}, expected 1")
sys.stdout.write(blocks[0])
EOF
"$pre_commit" validate-config "$work/readme-config.yaml"
echo "validate-config: README.md's .pre-commit-config.yaml is valid"
grep -Eq '^ +- id: tunelint$' "$work/readme-config.yaml" || {
    echo "precommit-check: README.md's configuration does not use the hook tunelint (the wheel)" >&2
    exit 1
}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
# git_commit DIR MESSAGE: commits everything in DIR, whatever the user's git configuration.
git_commit() {
    git -C "$1" add -A
    git -C "$1" -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false commit -q -m "$2"
}

# The repository pre-commit installs the hook from.
if [ -z "$(git status --porcelain)" ]; then
    hook_repo=$root
else
    echo "the checkout has changes: testing a snapshot of the working tree"
    hook_repo=$work/tunelint
    mkdir "$hook_repo"
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done |
        tar -cf - --null -T - | tar -xf - -C "$hook_repo"
    git -C "$hook_repo" init -q
    git_commit "$hook_repo" "snapshot of the working tree"
fi

# The user's repository: a clean dataset, and a broken file that the configuration excludes
# (the hook's --force-exclude must keep it out even though pre-commit names it).
user=$work/user
mkdir -p "$user/data/raw"
git -C "$user" init -q
good='{"messages": [{"role": "system", "content": "You are a support agent for TechCorp."}, {"role": "user", "content": "How long does shipping take?"}, {"role": "assistant", "content": "Standard shipping takes 3 to 5 business days; express arrives in 1 to 2."}]}'
good2='{"messages": [{"role": "user", "content": "Can I return an opened item?"}, {"role": "assistant", "content": "Yes, within 30 days of delivery: start the return from Orders, then Return item."}]}'
broken='{"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "bot", "content": "Invoices are under Account, Billing, Invoices."}]}'
printf '%s\n%s\n' "$good" "$good2" > "$user/data/train.jsonl"
# A data file whose name starts with `-`: the hook's `args: [--]` keeps it a path.
good3='{"messages": [{"role": "user", "content": "Is gift wrapping available?"}, {"role": "assistant", "content": "Yes, for 4 dollars per order: tick Gift wrap at checkout."}]}'
printf '%s\n' "$good3" > "$user/-drafts.jsonl"
printf '%s\n' "$broken" > "$user/data/raw/scraped.jsonl"
printf 'exclude = ["data/raw/**"]\n' > "$user/tunelint.toml"
printf '# not a dataset\n' > "$user/README.md"
# A staged .json that is configuration, not data: the hook passes it (`files` takes .json for
# LLaMA-Factory's arrays of records) and `--json-records-only` skips it.
printf '{"name": "site", "private": true}\n' > "$user/package.json"
git_commit "$user" "clean dataset"

# The wheelhouse of the python hook: the tunelint wheel and the shim's build backend.
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
wheelhouse=$work/wheelhouse
mkdir "$wheelhouse"
shopt -s nullglob
wheels=("$root"/target/ci-wheels/tunelint-"$version"-*.whl)
if [ ${#wheels[@]} -eq 0 ]; then
    (cd pypi && "$root/$VENV_BIN/maturin" build --release --locked --out "$root/target/ci-wheels")
    wheels=("$root"/target/ci-wheels/tunelint-"$version"-*.whl)
fi
cp "${wheels[@]}" "$wheelhouse/"
"$VENV_BIN/python" -m pip download --quiet --disable-pip-version-check --only-binary :all: \
    --no-deps -d "$wheelhouse" setuptools==84.2.1
echo "wheelhouse: $(cd "$wheelhouse" && echo *)"
# PATH without cargo and rustc, for the python hook.
no_rust=
while IFS= read -r -d ':' dir; do
    [ -n "$dir" ] && [ ! -x "$dir/cargo" ] && [ ! -x "$dir/rustc" ] && no_rust=${no_rust:+$no_rust:}$dir
done <<< "$PATH:"
PATH=$no_rust command -v cargo > /dev/null && { echo "precommit-check: cargo is still on PATH" >&2; exit 1; }

# try_repo HOOK [SCOPE]: runs the hook on every file of the user's repository (SCOPE
# --all-files, the default) or, with SCOPE "staged", on the staged files as a commit does;
# prints its output, sets $status. The python hook runs without cargo and rustc and with the
# wheelhouse only.
try_repo() {
    local hook=$1 scope=(--all-files) started=$EPOCHREALTIME environment=()
    if [ "${2:-}" = staged ]; then scope=(); fi
    status=0
    if [ "$hook" = tunelint ]; then
        rm -f "$work/pip.log"
        environment=(env "PATH=$no_rust" "PIP_FIND_LINKS=$wheelhouse" PIP_NO_INDEX=1
            PIP_DISABLE_PIP_VERSION_CHECK=1 "PIP_LOG=$work/pip.log")
    fi
    (cd "$user" && ${environment[@]+"${environment[@]}"} "$pre_commit" try-repo "$hook_repo" "$hook" ${scope[@]+"${scope[@]}"} --color never) \
        > "$work/out" 2>&1 || status=$?
    sed 's/^/    /' "$work/out"
    echo "pre-commit try-repo $hook: exit status $status in $(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')s (installing the hook's environment, then the run)"
}
fail() { echo "precommit-check: $*" >&2; exit 1; }

# The python hook installed the wheel from the wheelhouse and compiled nothing.
check_pip_log() {
    [ -f "$work/pip.log" ] || fail "tunelint: pip wrote no log: was the hook installed with pip?"
    grep -q "Processing .*/wheelhouse/tunelint-$version-.*\.whl" "$work/pip.log" ||
        fail "tunelint: pip's log does not show the tunelint wheel from the wheelhouse installed"
    grep -q 'Successfully installed .*tunelint-'"$version" "$work/pip.log" ||
        fail "tunelint: pip's log does not show tunelint $version installed"
    ! grep -Eiq 'Building wheel for tunelint |maturin|cargo (build|rustc)' "$work/pip.log" ||
        fail "tunelint: pip built tunelint instead of installing the wheel"
    echo "pip's log: the tunelint $version wheel was installed from the wheelhouse, nothing compiled"
}

# The source hook runs on the broken dataset only: each try-repo clones the repository to a
# new path, so each compiles the tunelint crate again (a minute or two), and the clean run
# would prove nothing the python hook's clean run and this failing run do not.
for hook in tunelint tunelint-src; do
    git -C "$user" reset -q --hard "$(git -C "$user" rev-list --max-parents=0 HEAD)"

    if [ "$hook" = tunelint ]; then
        echo
        echo "-- $hook, clean dataset: the hook must pass"
        try_repo "$hook"
        [ "$status" -eq 0 ] || fail "$hook failed on a clean dataset (status $status)"
        grep -Eq '^tunelint\.+Passed$' "$work/out" || fail "$hook: no 'tunelint....Passed' line"
        check_pip_log
    fi

    echo
    echo "-- $hook, broken dataset (unknown role on line 3): the hook must fail and print S005"
    printf '%s\n' "$broken" >> "$user/data/train.jsonl"
    git_commit "$user" "broken dataset"
    try_repo "$hook"
    [ "$status" -eq 1 ] || fail "$hook: expected exit status 1 from pre-commit on a broken dataset, got $status"
    grep -Eq '^tunelint\.+Failed$' "$work/out" || fail "$hook: no 'tunelint....Failed' line"
    grep -Eq '^data/train\.jsonl:3:[0-9]+: S005 unknown role "bot"' "$work/out" ||
        fail "$hook: the S005 diagnostic for data/train.jsonl:3 is not in the output"
    grep -q 'gate failed: valid examples' "$work/out" || fail "$hook: the failed gate is not in the output"
    grep -q ' in 4 examples of 2 files;' "$work/out" ||
        fail "$hook: data/train.jsonl and -drafts.jsonl (a name starting with -) were not both linted"
    ! grep -q 'data/raw/' "$work/out" || fail "$hook: data/raw/ is excluded by tunelint.toml but was linted"
    ! grep -q 'package\.json' "$work/out" || fail "$hook: package.json is not a dataset but was linted"
    if [ "$hook" = tunelint ]; then check_pip_log; fi
done

# Pre-commit names only the staged files; the hook's --context dataset judges them against
# the rest of their dataset, in the dataset's order, as a run over all of it does. A new
# shard staged after a committed one repeats one of its examples: the hook reports it on the
# staged shard's line, naming the committed shard's line, and nothing on the committed shard
# (whose own duplicate is not the commit's doing). (A staged shard that sorts first holds
# the first copy: the run over the dataset reports the later one, in the committed shard,
# and so does CI; README's pre-commit section says so.)
echo
echo "-- tunelint, a staged shard repeating an example of a committed shard: the hook must fail on the staged line"
git -C "$user" reset -q --hard "$(git -C "$user" rev-list --max-parents=0 HEAD)"
old='{"messages": [{"role": "user", "content": "Do you ship to Canada?"}, {"role": "assistant", "content": "Yes: 5 to 8 business days, duties paid at delivery."}]}'
new='{"messages": [{"role": "user", "content": "Can I change my delivery address?"}, {"role": "assistant", "content": "Yes, until the parcel ships: Orders, then Change address."}]}'
printf '%s\n%s\n' "$old" "$old" > "$user/data/train-00000-of-00002.jsonl"
git_commit "$user" "a shard"
printf '%s\n%s\n' "$new" "$old" > "$user/data/train-00001-of-00002.jsonl"
git -C "$user" add data/train-00001-of-00002.jsonl
try_repo tunelint staged
[ "$status" -eq 1 ] || fail "tunelint: expected exit status 1 from pre-commit on a staged duplicate, got $status"
grep -Eq '^data/train-00001-of-00002\.jsonl:2:1: D001 exact duplicate of the example at data/train-00000-of-00002\.jsonl:1$' "$work/out" ||
    fail "tunelint: the D001 on the staged shard naming the committed shard's line is not in the output"
! grep -q '^data/train-00000-of-00002\.jsonl:' "$work/out" ||
    fail "tunelint: a finding was reported on the committed shard, read only as context"
check_pip_log
echo
echo "precommit-check: ok"
