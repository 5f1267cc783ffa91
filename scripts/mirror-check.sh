#!/usr/bin/env bash
# Try the pre-commit mirror (pre-commit-mirror/, language: python) with the real pre-commit
# client, as a user of a release would, but against a wheel built here:
#   - the wheel: `maturin build --release` from a venv made for it (it reuses cargo's release
#     build when target/release is fresh), or the gitops-lint wheel found in WHEEL_DIR;
#   - the mirror rendered for Cargo.toml's version into a git repository tagged vX.Y.Z;
#   - a project whose .pre-commit-config.yaml pins that tag, run from an empty
#     PRE_COMMIT_HOME with PIP_NO_INDEX and PIP_FIND_LINKS (the mirror package, its build
#     backend and the gitops-lint wheel all come from the local directory):
#     1. `gitops-lint` fails and names the Application without the finalizer (timed: this
#        run installs the hook environment);
#     2. `gitops-lint-fix` adds the finalizer;
#     3. `gitops-lint` passes (timed: the environment is cached).
# Skips (exit 0, with a message) when maturin cannot be installed and no wheel is given.
# Usage: scripts/mirror-check.sh PRE_COMMIT [WHEEL_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/hook-project.sh
. "$repo/scripts/hook-project.sh"
pre_commit=${1:?usage: mirror-check.sh PRE_COMMIT [WHEEL_DIR]}
wheel_dir=${2:-}
pc_python=$(dirname "$(command -v "$pre_commit")")/python
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "mirror-check: FAILED: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "--- the mirror's hooks are this repository's, with language: python"
"$pc_python" - "$repo/.pre-commit-hooks.yaml" "$repo/pre-commit-mirror/.pre-commit-hooks.yaml" <<'PY'
import sys, yaml
source, mirror = (yaml.safe_load(open(p, encoding="utf-8")) for p in sys.argv[1:])
bad = [h["id"] for h in mirror if h.get("language") != "python"]
by_id = lambda hooks: {h["id"]: {k: v for k, v in h.items() if k != "language"} for h in hooks}
src, mir = by_id(source), by_id(mirror)
for hook in sorted(set(src) | set(mir)):
    for key in sorted(set(src.get(hook, {})) | set(mir.get(hook, {}))):
        a, b = src.get(hook, {}).get(key), mir.get(hook, {}).get(key)
        if a != b:
            bad.append(f"{hook}.{key}: {a!r} here, {b!r} in the mirror")
if bad:
    sys.exit("mirror-check: FAILED: pre-commit-mirror/.pre-commit-hooks.yaml: " + "; ".join(bad))
PY

links="$work/links"
mkdir -p "$links"
if [ -n "$wheel_dir" ]; then
  cp "$wheel_dir"/gitops_lint-"$version"-*.whl "$links"/ 2>/dev/null \
    || fail "no gitops_lint-$version wheel in $wheel_dir"
else
  echo "--- maturin build --release (version $version)"
  python3 -m venv "$work/maturin"
  if ! "$work/maturin/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.5,<2'; then
    echo "mirror-check: skipped: maturin cannot be installed (no wheel to test)"
    exit 0
  fi
  start=$(now)
  (cd "$repo" && "$work/maturin/bin/maturin" build --release --locked --quiet --out "$links")
  echo "mirror-check: wheel built in $(since "$start") s"
fi
wheel=$(ls "$links"/gitops_lint-*.whl)
echo "mirror-check: wheel $(basename "$wheel"), $(stat -c %s "$wheel") bytes"
# The mirror package's build backend, offline: the setuptools wheel virtualenv (a
# dependency of pre-commit) embeds; from the index only when it has none.
embed=$("$pc_python" -c 'import os, virtualenv; print(os.path.dirname(virtualenv.__file__))' || true)
setuptools=$(find "$embed/seed/wheels/embed" -name "setuptools-*.whl" 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$setuptools" ]; then
  cp "$setuptools" "$links"/
else
  "$pc_python" -m pip download --quiet --disable-pip-version-check --dest "$links" 'setuptools>=77'
fi

echo "--- the mirror rendered for $version, tagged v$version"
mkdir "$work/mirror"
python3 "$repo/scripts/render-mirror.py" "$version" "$work/mirror" >/dev/null
"$pre_commit" validate-manifest "$work/mirror/.pre-commit-hooks.yaml" \
  || fail "pre-commit rejects the mirror's .pre-commit-hooks.yaml"
gitq() { git -C "$1" -c user.email=ci@example.com -c user.name=ci "${@:2}"; }
gitq "$work/mirror" init -q
gitq "$work/mirror" add -A
gitq "$work/mirror" commit -qm "gitops-lint $version"
gitq "$work/mirror" tag "v$version"

mkdir "$work/project"
cd "$work/project"
write_hook_apps
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/mirror
    rev: v$version
    hooks:
      - id: gitops-lint
        stages: [manual]
      - id: gitops-lint-fix
        stages: [manual]
YAML
gitq . init -q
gitq . add -A
gitq . commit -qm init

export PRE_COMMIT_HOME="$work/cache" PIP_NO_INDEX=1 PIP_FIND_LINKS="$links"
export PIP_DISABLE_PIP_VERSION_CHECK=1
run() { "$pre_commit" run --hook-stage manual --all-files "$@" 2>&1; }

echo "--- first run, empty PRE_COMMIT_HOME: gitops-lint (expect failure naming bad-app.yaml)"
start=$(now)
set +e
out=$(run gitops-lint)
code=$?
set -e
first=$(since "$start")
echo "$out" | tail -15
[ "$code" -ne 0 ] || fail "check hook passed on a bad Application"
echo "$out" | grep -q "bad-app.yaml" || fail "check hook output does not name bad-app.yaml"
echo "$out" | grep -q "good-app.yaml" && fail "check hook output names good-app.yaml"
bin=$(ls "$PRE_COMMIT_HOME"/repo*/py_env-*/bin/gitops-lint) || fail "no gitops-lint in the hook env"
# (`--version` adds the commit and its date when built from a checkout.)
"$bin" --version | grep -qE "^gitops-lint ${version//./\\.}( \(.*\))?$" || fail "hook env runs $("$bin" --version)"

echo "--- gitops-lint-fix (expect the file to be fixed)"
start=$(now)
set +e
run gitops-lint-fix | tail -10
set -e
fix=$(since "$start")
grep -q "resources-finalizer.argocd.argoproj.io" bad-app.yaml || fail "fix hook did not add the finalizer"
gitq . diff --stat

echo "--- second run: gitops-lint (expect success)"
start=$(now)
run gitops-lint | tail -5 || fail "check hook fails after the fix"
second=$(since "$start")
echo "mirror-check: first run (installs the hook env) ${first} s; fix run ${fix} s; second run ${second} s"
echo "mirror-check: passed"
