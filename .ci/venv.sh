# shellcheck shell=bash
# Sourced by the .ci scripts that need Python tools from PyPI (pre-commit, check-jsonschema,
# zizmor). They go into one virtual environment, .ci/.venv (gitignored), at pinned versions,
# so a second run installs nothing.
#
#   source .ci/venv.sh
#   venv_install pre-commit==4.7.0 zizmor==1.32.0
#   "$VENV_BIN/pre-commit" --version

VENV_DIR=${VENV_DIR:-.ci/.venv}
VENV_BIN=$VENV_DIR/bin

# Installs each NAME==VERSION that is not already installed at that version.
venv_install() {
    if [ ! -x "$VENV_BIN/python" ]; then
        python3 -m venv "$VENV_DIR"
    fi
    local requirement missing=()
    for requirement in "$@"; do
        if ! "$VENV_BIN/python" - "$requirement" 2>/dev/null <<'EOF'; then
import importlib.metadata, sys
name, _, version = sys.argv[1].partition("==")
sys.exit(importlib.metadata.version(name) != version)
EOF
            missing+=("$requirement")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        "$VENV_BIN/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
    fi
}
