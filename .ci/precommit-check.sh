#!/usr/bin/env bash
# Tests the pre-commit hook (.pre-commit-hooks.yaml) the way a user runs it: pre-commit from
# PyPI validates the manifest, then `pre-commit try-repo <this repository> tunelint
# --all-files` runs in a scratch git repository, once on a clean dataset (must pass) and once
# on a broken one (must fail and print the diagnostic). try-repo clones this repository and
# builds the hook with pre-commit's own `cargo install --bins --path .` (a release build),
# exactly as `repo: https://github.com/tunelint/tunelint` in a user's config does.
#
# try-repo uses a fresh temporary store on every call (PRE_COMMIT_HOME does not apply), so
# the build is cached through CARGO_TARGET_DIR instead: it points at this checkout's
# target/, where the release build of `cargo run --release` (.ci/run) already is, and the
# second try-repo reuses the first one's build.
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
venv_install pre-commit==4.7.0
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
printf '%s\n' "$broken" > "$user/data/raw/scraped.jsonl"
printf 'exclude = ["data/raw/**"]\n' > "$user/tunelint.toml"
printf '# not a dataset\n' > "$user/README.md"
git_commit "$user" "clean dataset"

# Runs the hook on every file of the user's repository; prints its output, sets $status.
try_repo() {
    local started=$SECONDS
    status=0
    (cd "$user" && "$pre_commit" try-repo "$hook_repo" tunelint --all-files --color never) \
        > "$work/out" 2>&1 || status=$?
    sed 's/^/    /' "$work/out"
    echo "pre-commit try-repo: exit status $status in $((SECONDS - started))s"
}
fail() { echo "precommit-check: $*" >&2; exit 1; }

echo
echo "-- clean dataset: the hook must pass"
try_repo
[ "$status" -eq 0 ] || fail "the hook failed on a clean dataset (status $status)"
grep -Eq '^tunelint\.+Passed$' "$work/out" || fail "no 'tunelint....Passed' line"

echo
echo "-- broken dataset (unknown role on line 3): the hook must fail and print S005"
printf '%s\n' "$broken" >> "$user/data/train.jsonl"
git_commit "$user" "broken dataset"
try_repo
[ "$status" -eq 1 ] || fail "expected exit status 1 from pre-commit on a broken dataset, got $status"
grep -Eq '^tunelint\.+Failed$' "$work/out" || fail "no 'tunelint....Failed' line"
grep -Eq '^data/train\.jsonl:3:[0-9]+: S005 unknown role "bot"' "$work/out" ||
    fail "the S005 diagnostic for data/train.jsonl:3 is not in the output"
grep -q 'gate failed: valid examples' "$work/out" || fail "the failed gate is not in the output"
! grep -q 'data/raw/' "$work/out" || fail "data/raw/ is excluded by tunelint.toml but was linted"
echo
echo "precommit-check: ok"
