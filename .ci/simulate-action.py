"""Runs a composite action's steps the way the GitHub Actions runner does, for .ci/action-check.sh.

    python simulate-action.py ACTION_DIR WORKSPACE RESULT_DIR [NAME=VALUE ...] [--env K=V ...]
        [--github PATH=VALUE ...]

Reads ACTION_DIR/action.yml and gives each input its value (NAME=VALUE) or the default that
action.yml declares. Every step must be `shell: bash` with a `run:` that contains no
expression: inputs may reach it only through `env:`, whose values may only be
`${{ inputs.NAME }}` or `${{ github.PATH }}` (the expressions this simulator evaluates; a
context value is the --github PATH=VALUE given, empty otherwise, as GitHub evaluates a
missing property: `--github event.pull_request.base.sha=SHA` simulates a pull request's
event together with `--env GITHUB_EVENT_NAME=pull_request`). Each step runs as the
runner runs it, `bash --noprofile --norc -eo pipefail FILE` in WORKSPACE, with a fresh
environment: PATH, HOME and the Rust variables of the caller's, GITHUB_ACTIONS=true,
GITHUB_ACTION_PATH, GITHUB_WORKSPACE, RUNNER_TEMP, RUNNER_OS=Linux, RUNNER_ARCH=X64,
GITHUB_OUTPUT (one file per step) and GITHUB_STEP_SUMMARY, plus every --env K=V.

RESULT_DIR receives stdout, stderr, summary.md (the step summary), github-output (the raw
GITHUB_OUTPUT of the last step) and outputs.json (the action's outputs, evaluated from
`${{ steps.ID.outputs.NAME }}` as a workflow would see them). The exit status is the first
failing step's, as the runner stops there, or 0.
"""

import json
import os
import re
import subprocess
import sys

import yaml

INPUT = re.compile(r"^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$")
GITHUB = re.compile(r"^\$\{\{\s*github\.([A-Za-z0-9_.-]+)\s*\}\}$")
STEP_OUTPUT = re.compile(r"^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$")
KEPT = ("PATH", "HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "CARGO_TERM_COLOR")


def parse_github_output(text):
    """Parses NAME=VALUE and NAME<<DELIMITER ... DELIMITER lines, as the runner does."""
    values, lines, i = {}, text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "=" in line and ("<<" not in line or line.index("=") < line.index("<<")):
            name, _, value = line.partition("=")
            values[name] = value
            continue
        name, sep, delimiter = line.partition("<<")
        if not sep:
            raise SystemExit(f"simulate-action: malformed GITHUB_OUTPUT line: {line!r}")
        body = []
        while i < len(lines) and lines[i] != delimiter:
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise SystemExit(f"simulate-action: GITHUB_OUTPUT delimiter {delimiter!r} never closed")
        i += 1
        values[name] = "\n".join(body)
    return values


def main(argv):
    action_dir, workspace, result_dir = (os.path.abspath(a) for a in argv[:3])
    given, extra_env, github = {}, {}, {}
    rest = iter(argv[3:])
    for arg in rest:
        if arg == "--env":
            key, _, value = next(rest).partition("=")
            extra_env[key] = value
        elif arg == "--github":
            key, _, value = next(rest).partition("=")
            github[key] = value
        else:
            name, sep, value = arg.partition("=")
            if not sep:
                raise SystemExit(f"simulate-action: expected NAME=VALUE, got {arg!r}")
            given[name] = value

    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    declared = action.get("inputs") or {}
    for name in given:
        if name not in declared:
            raise SystemExit(f"simulate-action: action.yml has no input {name!r}")
    inputs = {name: str(given.get(name, spec.get("default", ""))) for name, spec in declared.items()}
    if action["runs"]["using"] != "composite":
        raise SystemExit("simulate-action: not a composite action")

    os.makedirs(result_dir, exist_ok=True)
    temp = os.path.join(result_dir, "runner-temp")
    os.makedirs(temp, exist_ok=True)
    summary = os.path.join(result_dir, "summary.md")
    open(summary, "w").close()
    base_env = {k: os.environ[k] for k in KEPT if k in os.environ}
    base_env.update(
        GITHUB_ACTIONS="true",
        GITHUB_ACTION_PATH=action_dir,
        GITHUB_WORKSPACE=workspace,
        GITHUB_STEP_SUMMARY=summary,
        RUNNER_TEMP=temp,
        RUNNER_OS="Linux",
        RUNNER_ARCH="X64",
    )
    base_env.update(extra_env)

    step_outputs, status = {}, 0
    with open(os.path.join(result_dir, "stdout"), "wb") as out, open(os.path.join(result_dir, "stderr"), "wb") as err:
        for index, step in enumerate(action["runs"]["steps"]):
            if "uses" in step or step.get("shell") != "bash":
                raise SystemExit(f"simulate-action: step {index} is not a `shell: bash` run step")
            script = step["run"]
            if "${{" in script:
                raise SystemExit(f"simulate-action: step {index}'s run: contains an expression")
            env = dict(base_env)
            for key, value in (step.get("env") or {}).items():
                context = GITHUB.match(str(value))
                if context:
                    env[key] = github.get(context.group(1), "")
                    continue
                match = INPUT.match(str(value))
                if not match or match.group(1) not in inputs:
                    raise SystemExit(
                        f"simulate-action: env {key}: {value!r} is not ${{{{ inputs.NAME }}}} or ${{{{ github.PATH }}}}"
                    )
                env[key] = inputs[match.group(1)]
            output_file = os.path.join(result_dir, "github-output")
            open(output_file, "w").close()
            env["GITHUB_OUTPUT"] = output_file
            script_file = os.path.join(temp, f"step-{index}.sh")
            with open(script_file, "w", encoding="utf-8") as f:
                f.write(script)
            status = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file],
                cwd=workspace, env=env, stdout=out, stderr=err,
            ).returncode
            with open(output_file, encoding="utf-8") as f:
                step_outputs[step.get("id", str(index))] = parse_github_output(f.read())
            if status != 0:
                break

    outputs = {}
    for name, spec in (action.get("outputs") or {}).items():
        match = STEP_OUTPUT.match(str(spec["value"]))
        if not match:
            raise SystemExit(f"simulate-action: output {name}: {spec['value']!r} is not a step output")
        outputs[name] = step_outputs.get(match.group(1), {}).get(match.group(2), "")
    with open(os.path.join(result_dir, "outputs.json"), "w", encoding="utf-8") as f:
        json.dump(outputs, f, indent=2)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
