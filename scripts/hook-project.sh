# Sourced by precommit-check.sh and mirror-check.sh: the files both try the hooks on.
# write_hook_apps: in the current directory, bad-app.yaml (an Application without the
# cascade finalizer) and good-app.yaml (one with it).
write_hook_apps() {
  cat > bad-app.yaml <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: bad
  namespace: argocd
spec:
  project: default
YAML
  cat > good-app.yaml <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: good
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
YAML
}
