#!/usr/bin/env bash
# Tests the Python wheel (pypi/pyproject.toml) the way a Python user installs tunelint:
#   1. maturin builds the wheel (`bindings = "bin"`) from the crate, in this checkout's
#      target/, where .ci/run's release build already is: only the binary is linked again;
#   2. `pip install WHEEL` into a fresh virtual environment, with cargo and rustc off PATH,
#      puts a `tunelint` on the environment's PATH that prints its version, passes a clean
#      dataset (status 0) and fails a broken one (status 1, the S005 finding);
#   3. `uvx --from WHEEL tunelint` does the same, with a fresh uv cache;
#   4. maturin builds the sdist, which holds the crate package (Cargo.toml's `include`) and
#      the README as the long description.
# The wheel is left in target/ci-wheels/ for .ci/precommit-check.sh. Prints how long each
# way took. maturin and uv come from PyPI into .ci/.venv (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=.ci/venv.sh
source .ci/venv.sh
venv_install maturin==1.16.0 uv==0.13.8
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "wheel-check: $*" >&2; exit 1; }
# seconds START: the time since START ($EPOCHREALTIME), with one decimal.
seconds() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }'; }

echo "-- maturin build"
wheels=$root/target/ci-wheels
rm -rf "$wheels"
started=$EPOCHREALTIME
(cd pypi && "$root/$VENV_BIN/maturin" build --release --locked --out "$wheels")
echo "maturin build: $(seconds "$started")s"
shopt -s nullglob
built=("$wheels"/tunelint-"$version"-*.whl)
[ ${#built[@]} -eq 1 ] || fail "expected one wheel tunelint-$version-*.whl in $wheels, found ${#built[@]}"
wheel=${built[0]}
ls -l "$wheel"
"$VENV_BIN/python" - "$wheel" "$version" <<'EOF'
import sys, zipfile
wheel, version = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
script = f"tunelint-{version}.data/scripts/tunelint"
assert script in names, f"no {script} in the wheel: {names}"
assert not [n for n in names if n.endswith(".py")], f"the wheel has Python code: {names}"
meta = zipfile.ZipFile(wheel).read(f"tunelint-{version}.dist-info/METADATA").decode()
assert "Description-Content-Type: text/markdown" in meta, "the README is not the long description"
assert "\n# tunelint\n" in meta, "the README is not the long description"
# PyPI shows the description without the repository: pypi/README.md's links are absolute.
import re
relative = [t for t in re.findall(r"\]\(([^)\s]+)\)", meta) if "://" not in t and not t.startswith("mailto:")]
assert not relative, f"the description has links that do not work on PyPI: {relative[:5]}"
assert f"/blob/v{version}/docs/rules.md" in meta, "the description does not link the rules at this version"
print(f"the wheel holds the binary ({script}) and the README, with absolute links, as its description")
EOF

# A user's datasets: one clean, one with an unknown role on line 2.
mkdir -p "$work/data"
good='{"messages": [{"role": "user", "content": "How long does shipping take?"}, {"role": "assistant", "content": "Standard shipping takes 3 to 5 business days; express arrives in 1 to 2."}]}'
broken='{"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "bot", "content": "Invoices are under Account, Billing, Invoices."}]}'
printf '%s\n' "$good" > "$work/data/clean.jsonl"
printf '%s\n%s\n' "$good" "$broken" > "$work/data/broken.jsonl"

# PATH without cargo and rustc: installing the wheel must not need them.
no_rust=
while IFS= read -r -d ':' dir; do
    [ -n "$dir" ] && [ ! -x "$dir/cargo" ] && [ ! -x "$dir/rustc" ] && no_rust=${no_rust:+$no_rust:}$dir
done <<< "$PATH:"

# lint "COMMAND..." NAME: runs a lint of the clean and the broken dataset through COMMAND.
lint() {
    local name=${*: -1} status out
    local command=("${@:1:$#-1}")
    out=$(cd "$work" && PATH=$no_rust "${command[@]}" --version) || fail "$name: --version failed"
    [ "$out" = "tunelint $version" ] || fail "$name: --version printed '$out', not 'tunelint $version'"
    status=0
    (cd "$work" && PATH=$no_rust "${command[@]}" --isolated --format concise data/clean.jsonl) > "$work/out" 2>&1 || status=$?
    [ "$status" -eq 0 ] || { cat "$work/out"; fail "$name: exit status $status on a clean dataset"; }
    status=0
    (cd "$work" && PATH=$no_rust "${command[@]}" --isolated --format concise data/broken.jsonl) > "$work/out" 2>&1 || status=$?
    [ "$status" -eq 1 ] || { cat "$work/out"; fail "$name: exit status $status on a broken dataset, not 1"; }
    grep -Eq '^data/broken\.jsonl:2:[0-9]+: S005 unknown role "bot"' "$work/out" ||
        { cat "$work/out"; fail "$name: no S005 finding for data/broken.jsonl:2"; }
    echo "$name: $out; clean dataset: status 0; broken dataset: status 1 with S005 on line 2"
}

echo
echo "-- pip install WHEEL into a fresh virtual environment (no cargo, no rustc on PATH)"
PATH=$no_rust command -v cargo > /dev/null && fail "cargo is still on PATH"
python3 -m venv "$work/venv"
started=$EPOCHREALTIME
PATH=$no_rust "$work/venv/bin/python" -m pip install --quiet --no-index --disable-pip-version-check "$wheel"
echo "pip install: $(seconds "$started")s"
[ -x "$work/venv/bin/tunelint" ] || fail "pip install put no tunelint in the environment's bin/"
[ "$(PATH=$work/venv/bin:$no_rust command -v tunelint)" = "$work/venv/bin/tunelint" ] ||
    fail "tunelint is not on the environment's PATH"
lint env PATH="$work/venv/bin:$no_rust" tunelint "pip"

echo
echo "-- uvx --from WHEEL tunelint (a fresh uv cache)"
export UV_CACHE_DIR=$work/uv-cache UV_NO_CONFIG=1 UV_PYTHON_DOWNLOADS=never
uvx=$root/$VENV_BIN/uvx
started=$EPOCHREALTIME
out=$(PATH=$no_rust "$uvx" --offline --from "$wheel" tunelint --version)
echo "uvx, first run (installs into its cache): $(seconds "$started")s, $out"
lint "$uvx" --offline --from "$wheel" tunelint "uvx"

echo
echo "-- maturin sdist"
(cd pypi && "$root/$VENV_BIN/maturin" sdist --out "$work/sdist") > /dev/null
sdist=$work/sdist/tunelint-$version.tar.gz
[ -f "$sdist" ] || fail "no $sdist"
tar -tzf "$sdist" | sed "s|^tunelint-$version/||" | sort > "$work/sdist.list"
for file in pyproject.toml Cargo.toml Cargo.lock README.md PKG-INFO src/main.rs src/lib.rs; do
    grep -qx "$file" "$work/sdist.list" || fail "the sdist has no $file"
done
! grep -q '^tests/' "$work/sdist.list" || fail "the sdist holds the tests: Cargo.toml's include does not apply"
echo "sdist: $(wc -l < "$work/sdist.list") files, $(du -k "$sdist" | cut -f 1) KiB, the crate package and pyproject.toml"
echo
echo "wheel-check: ok"
