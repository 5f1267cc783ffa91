#!/usr/bin/env bash
# Try this repository's pre-commit hooks with the real pre-commit client, in a fresh git
# repository holding one Application without the cascade finalizer and one with it:
#   1. `gitops-lint` fails and names the bad file;
#   2. `gitops-lint-fix` fixes it (and fails, as files were modified);
#   3. `gitops-lint` then passes.
# The project also holds a file named like an option (`--exclude=*.yaml`): pre-commit passes
# it by name, and it must stay a file name (the hooks end their options with `--`).
# Usage: scripts/precommit-check.sh [PRE_COMMIT]   (default: pre-commit on PATH)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/hook-project.sh
. "$repo/scripts/hook-project.sh"
pre_commit=${1:-pre-commit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
cd "$work"
mkdir project && cd project
git init -q
git config user.email ci@example.com
git config user.name ci
write_hook_apps
# A Go-templated file named as helmfile names them: linted and fixed like the others.
cat > apps.yaml.gotmpl <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .Values.name }}
spec:
  project: default
YAML
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' > './--exclude=*.yaml'
git add . && git commit -qm init

fail() { echo "precommit-check: FAILED: $*"; exit 1; }

echo "--- pre-commit try-repo gitops-lint (expect failure naming bad-app.yaml)"
set +e
out=$("$pre_commit" try-repo "$repo" gitops-lint --all-files 2>&1)
code=$?
set -e
echo "$out" | tail -20
[ "$code" -ne 0 ] || fail "check hook passed on a bad Application"
echo "$out" | grep -q "bad-app.yaml" || fail "check hook output does not name bad-app.yaml"
echo "$out" | grep -q "good-app.yaml" && fail "check hook output names good-app.yaml"
echo "$out" | grep -q "apps.yaml.gotmpl" || fail "check hook output does not name apps.yaml.gotmpl"

echo "--- pre-commit try-repo gitops-lint-fix (expect the file to be fixed)"
set +e
"$pre_commit" try-repo "$repo" gitops-lint-fix --all-files 2>&1 | tail -10
set -e
grep -q "resources-finalizer.argocd.argoproj.io" bad-app.yaml || fail "fix hook did not add the finalizer"
grep -q "resources-finalizer.argocd.argoproj.io" apps.yaml.gotmpl || fail "fix hook did not fix apps.yaml.gotmpl"
git diff --stat

echo "--- pre-commit try-repo gitops-lint (expect success)"
"$pre_commit" try-repo "$repo" gitops-lint --all-files 2>&1 | tail -5 || fail "check hook fails after the fix"
echo "precommit-check: passed"
