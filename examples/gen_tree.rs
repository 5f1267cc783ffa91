//! Writes a deterministic Kubefirst-like GitOps tree of N files for benchmarks:
//! `cargo run --release --example gen_tree -- --files 100000 --out /tmp/tree`.
//!
//! Mix (by file count): ~60% plain Kubernetes YAML (some multi-document), ~10% Helm chart
//! templates, ~1% large CRDs (100-300 KB), ~5% JSON dashboards, ~17% Argo CD files
//! (Applications, ApplicationSets, multi-document app-of-apps; ~30% of the Applications
//! without the cascade finalizer), and ~7% under a `.gitignore`d `build/` folder.
//! With `--all-applications` every file is one Argo CD Application (the parser's
//! throughput: nothing is skipped by the needle).
//! The same arguments always give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const COMPONENTS: &[&str] = &[
    "argo-workflows",
    "atlantis",
    "cert-manager",
    "chartmuseum",
    "crossplane",
    "external-dns",
    "external-secrets",
    "ingress-nginx",
    "kubefirst-api",
    "metaphor",
    "minio",
    "reloader",
    "vault",
    "velero",
    "kyverno",
    "grafana",
    "loki",
    "prometheus",
    "tempo",
    "trivy",
];

fn application(rng: &mut Rng, name: &str, cluster: &str, out: &mut String, stats: &mut Stats) {
    let finalizer = !rng.chance(30);
    stats.applications += 1;
    if !finalizer {
        stats.without_finalizer += 1;
    }
    let wave = rng.below(100);
    let _ = write!(
        out,
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n  annotations:\n    argocd.argoproj.io/sync-wave: '{wave}'\n"
    );
    if finalizer {
        out.push_str("  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n");
    }
    let _ = write!(
        out,
        "spec:\n  project: default\n  source:\n    repoURL: <GITOPS_REPO_URL>\n    path: registry/clusters/{cluster}/components/{name}\n    targetRevision: HEAD\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n    syncOptions:\n      - CreateNamespace=true\n"
    );
}

fn application_set(rng: &mut Rng, name: &str, out: &mut String) {
    let preserve = rng.chance(50);
    let _ = write!(
        out,
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - clusters:\n        selector:\n          matchLabels:\n            env: production\n  template:\n    metadata:\n      name: '{{{{.name}}}}-{name}'\n    spec:\n      project: default\n      source:\n        repoURL: https://git.example.com/platform.git\n        path: 'apps/{name}'\n      destination:\n        server: '{{{{.server}}}}'\n        namespace: {name}\n"
    );
    if preserve {
        out.push_str("  syncPolicy:\n    preserveResourcesOnDeletion: true\n");
    }
}

fn deployment(rng: &mut Rng, name: &str, out: &mut String) {
    let replicas = 1 + rng.below(5);
    let _ = write!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {name}\n    spec:\n      containers:\n        - name: {name}\n          image: ghcr.io/example/{name}:1.{replicas}.0\n          ports:\n            - containerPort: 8080\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n          env:\n"
    );
    for i in 0..rng.below(20) {
        let _ = writeln!(
            out,
            "            - name: SETTING_{i}\n              value: \"value-{i}\""
        );
    }
}

fn service(name: &str, out: &mut String) {
    let _ = write!(
        out,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
    );
}

fn helm_template(name: &str, out: &mut String) {
    let _ = write!(
        out,
        "{{{{- if .Values.enabled }}}}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ include \"{name}.fullname\" . }}}}\n  labels:\n    {{{{- include \"{name}.labels\" . | nindent 4 }}}}\nspec:\n  replicas: {{{{ .Values.replicaCount }}}}\n  template:\n    spec:\n      containers:\n        - name: {{{{ .Chart.Name }}}}\n          image: \"{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag }}}}\"\n          {{{{- with .Values.resources }}}}\n          resources:\n            {{{{- toYaml . | nindent 12 }}}}\n          {{{{- end }}}}\n{{{{- end }}}}\n"
    );
}

fn crd(rng: &mut Rng, name: &str, out: &mut String) {
    let _ = write!(
        out,
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {name}s.example.com\nspec:\n  group: example.com\n  names:\n    kind: {name}\n  versions:\n    - name: v1\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n"
    );
    let target = 100_000 + rng.below(200_000) as usize;
    let mut i = 0;
    while out.len() < target {
        let _ = write!(
            out,
            "            field{i}:\n              description: A generated field number {i} of the {name} schema, with some prose to make it long enough.\n              type: string\n"
        );
        i += 1;
    }
}

fn dashboard(rng: &mut Rng, name: &str, out: &mut String) {
    out.push_str("{\n  \"title\": \"");
    out.push_str(name);
    out.push_str("\",\n  \"panels\": [\n");
    let n = 20 + rng.below(80);
    for i in 0..n {
        let _ = writeln!(
            out,
            "    {{\"id\": {i}, \"type\": \"timeseries\", \"title\": \"Panel {i}\", \"targets\": [{{\"expr\": \"sum(rate(http_requests_total{{job=\\\"{name}\\\"}}[5m]))\"}}]}}{}",
            if i + 1 < n { "," } else { "" }
        );
    }
    out.push_str("  ]\n}\n");
}

#[derive(Default)]
struct Stats {
    files: usize,
    argo_files: usize,
    applications: usize,
    without_finalizer: usize,
    ignored: usize,
    bytes: usize,
}

fn write(path: &Path, content: &str, stats: &mut Stats) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create directory");
    }
    fs::write(path, content).expect("write file");
    stats.files += 1;
    stats.bytes += content.len();
}

fn main() {
    let mut files = 10_000usize;
    let mut out = PathBuf::from("gitops-tree");
    let mut seed = 42u64;
    let mut all_applications = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--files" => files = args.next().and_then(|v| v.parse().ok()).expect("--files N"),
            "--out" => out = PathBuf::from(args.next().expect("--out DIR")),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--all-applications" => all_applications = true,
            _ => {
                eprintln!(
                    "usage: gen_tree [--files N] [--out DIR] [--seed N] [--all-applications]"
                );
                std::process::exit(2);
            }
        }
    }
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    fs::create_dir_all(&out).expect("create output directory");
    fs::write(out.join(".gitignore"), "build/\n").expect("write .gitignore");
    let clusters = ["mgmt", "dev", "staging", "prod"];
    let mut buf = String::new();
    for i in 0..files {
        buf.clear();
        let comp = COMPONENTS[rng.below(COMPONENTS.len() as u64) as usize];
        let cluster = clusters[rng.below(clusters.len() as u64) as usize];
        let roll = rng.below(100);
        let bucket = i / 500;
        let path = if all_applications {
            stats.argo_files += 1;
            let name = format!("{comp}-{i}");
            application(&mut rng, &name, cluster, &mut buf, &mut stats);
            out.join(format!("registry/clusters/{cluster}/{bucket}/{name}.yaml"))
        } else if roll < 17 {
            stats.argo_files += 1;
            let name = format!("{comp}-{i}");
            if rng.chance(15) {
                // app of apps: several Applications in one file
                for j in 0..(2 + rng.below(4)) {
                    if j > 0 {
                        buf.push_str("---\n");
                    }
                    application(
                        &mut rng,
                        &format!("{name}-{j}"),
                        cluster,
                        &mut buf,
                        &mut stats,
                    );
                }
            } else if rng.chance(12) {
                application_set(&mut rng, &name, &mut buf);
            } else {
                application(&mut rng, &name, cluster, &mut buf, &mut stats);
            }
            let ext = if rng.chance(10) { "yml" } else { "yaml" };
            out.join(format!("registry/clusters/{cluster}/{bucket}/{name}.{ext}"))
        } else if roll < 77 {
            let name = format!("{comp}-{i}");
            deployment(&mut rng, &name, &mut buf);
            if rng.chance(40) {
                buf.push_str("---\n");
                service(&name, &mut buf);
            }
            out.join(format!(
                "registry/clusters/{cluster}/components/{comp}/{bucket}/{name}.yaml"
            ))
        } else if roll < 87 {
            helm_template(comp, &mut buf);
            out.join(format!("charts/{comp}/templates/{bucket}/t{i}.yaml"))
        } else if roll < 88 {
            crd(&mut rng, &format!("Kind{i}"), &mut buf);
            out.join(format!("crds/{bucket}/crd-{i}.yaml"))
        } else if roll < 93 {
            dashboard(&mut rng, &format!("{comp}-{i}"), &mut buf);
            out.join(format!("dashboards/{bucket}/{comp}-{i}.json"))
        } else {
            stats.ignored += 1;
            application(
                &mut rng,
                &format!("built-{i}"),
                cluster,
                &mut buf,
                &mut stats,
            );
            out.join(format!("build/{bucket}/out-{i}.yaml"))
        };
        write(&path, &buf, &mut stats);
    }
    eprintln!(
        "wrote {} files ({:.1} MB) to {}: {} Argo CD files, {} Applications ({} without the finalizer, some under build/), {} files under the ignored build/",
        stats.files,
        stats.bytes as f64 / 1e6,
        out.display(),
        stats.argo_files,
        stats.applications,
        stats.without_finalizer,
        stats.ignored
    );
}
