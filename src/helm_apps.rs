//! Values of the `argocd-apps` Helm chart (argoproj/argo-helm `charts/argocd-apps`).
//!
//! The chart renders one Application per entry of `applications:` (a map of name →
//! fields since chart 2.0, a list of `- name: …` items before) and writes the entry's own
//! `finalizers` (a top-level field of the entry, not under `metadata`) into the rendered
//! `metadata.finalizers` with `{{- with .finalizers }}`: an entry without it renders an
//! Application without finalizer, whose deletion orphans its resources. An empty entry
//! (`x:`, `x: {}`) renders nothing (chart 2.0.4 and later skip it; before, it failed to
//! render); `finalizers: []` renders no finalizer and is the explicit opt-out.
//! Read at argoproj/argo-helm `af0a9310` (chart 2.0.5), with the history of
//! `charts/argocd-apps/templates/`: `798c8107` (0.0.1), `fa85e824` (1.6.2, the last list
//! form), `237493a4` (2.0.0, maps), `994838a2` (2.0.2, an ApplicationSet's own
//! `finalizers`), `b698c54b` (2.0.4, empty entries skipped).
//!
//! `applicationsets:` entries are not flagged: the chart never renders
//! `template.metadata.finalizers`, so the controller adds the cascade finalizer to every
//! generated Application unless `syncPolicy.preserveResourcesOnDeletion` is true, which is
//! an explicit choice (see the product decisions).
//!
//! Which files hold such values is decided at the repository level ([`crate::helm_stage`]);
//! inline values of an Application (`helm.values`, `helm.valuesObject`) are checked with
//! the Application ([`crate::helm_inline`]).

use crate::diagnostic::{Diagnostic, Edit, Fix, ObjectRef};
use crate::rules::edits;
use crate::rules::{builtin, Context, MISSING_FINALIZER};
use crate::source::Span;
use crate::yaml::{Entry, Node, NodeKind, Style};

/// The chart's name.
pub const CHART: &str = "argocd-apps";

/// Bytes a file must contain to name the chart (an Application using it, a `Chart.yaml`
/// depending on it).
pub const NEEDLE: &[u8] = b"argocd-apps";

/// Whether `bytes` name the chart ([`NEEDLE`]), with one searcher for the whole run:
/// building one costs more than searching a small file.
pub fn names_chart(bytes: &[u8]) -> bool {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| memchr::memmem::Finder::new(NEEDLE))
        .find(bytes)
        .is_some()
}

/// What a values file is to the chart: where its values are, and what the other files
/// Helm merges with it in a rendering supply.
#[derive(Debug, Clone, Default)]
pub struct Role {
    /// The values at the top level (`""`) or under this key (an umbrella chart's
    /// dependency name or alias).
    pub key: String,
    /// Entries that another file of the rendering gives a cascade finalizer: not flagged
    /// (Helm merges the entry's fields, the finalizer included).
    pub covered: std::collections::HashSet<String>,
    /// The file is merged with others: an entry without `destination` (which the chart
    /// needs) only overrides fields of one defined elsewhere, and is not flagged.
    pub layered: bool,
}

impl Role {
    pub fn new(key: String) -> Self {
        Role {
            key,
            ..Role::default()
        }
    }
}

/// The mappings of the `applications:` entries of `values` (map or list form).
pub fn entry_nodes(values: &Node) -> Vec<&Node> {
    app_entries(values, "")
        .into_iter()
        .map(|a| a.node)
        .collect()
}

/// The names of the entries of `values` that have a cascade finalizer (the chart's
/// accepted values).
pub fn finalized(values: &Node) -> Vec<String> {
    let accepted = &builtin(MISSING_FINALIZER).accepted;
    app_entries(values, "")
        .into_iter()
        .filter(|a| {
            a.node
                .get("finalizers")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|i| i.as_str().is_some_and(|s| accepted.iter().any(|a| a == s)))
        })
        .map(|a| a.name)
        .collect()
}

/// One entry of `applications:`: its name, its mapping, where to point at, its route.
struct AppEntry<'n> {
    name: String,
    node: &'n Node,
    /// The map form's entry (key and value); `None` for a list item.
    entry: Option<&'n Entry>,
    at: Span,
    route: String,
}

/// The `applications:` entries of `values` (the mapping that holds the chart's values).
fn app_entries<'n>(values: &'n Node, route: &str) -> Vec<AppEntry<'n>> {
    let Some(apps) = values.entry("applications") else {
        return Vec::new();
    };
    let base = join(route, "applications");
    let mut out = Vec::new();
    for e in apps.value.entries() {
        let Some(name) = e.key.as_str() else { continue };
        out.push(AppEntry {
            name: name.to_string(),
            node: &e.value,
            entry: Some(e),
            at: e.key.span.clone(),
            route: join(&base, name),
        });
    }
    for (i, item) in apps.value.items().iter().enumerate() {
        // The 1.x template reads `.name`: an item without one renders no valid object.
        let Some(name) = item.get("name").and_then(Node::as_str) else {
            continue;
        };
        let at = item
            .entry("name")
            .map_or(item.span.start..item.span.start, |e| e.key.span.clone());
        out.push(AppEntry {
            name: name.to_string(),
            node: item,
            entry: None,
            at,
            route: format!("{base}[{i}]"),
        });
    }
    out
}

/// The mapping holding the chart's values in a document: the root (`key` empty) or the
/// value under `key`.
pub fn values_at<'n>(root: &'n Node, key: &str) -> Option<&'n Node> {
    if key.is_empty() {
        Some(root)
    } else {
        root.get(key)
    }
}

pub(crate) fn join(route: &str, key: &str) -> String {
    if key.is_empty() {
        route.to_string()
    } else if route.is_empty() {
        key.to_string()
    } else {
        format!("{route}.{key}")
    }
}

/// Check the argocd-apps values in `values` (as read: aliases and merge keys resolved).
/// `written` is the same mapping as written, where fixes may edit (`None`: no fixes);
/// `route` the route from the document root to it.
/// `role` says what other files supply (see [`Role`]; its key is not read here).
pub fn check_values(
    values: &Node,
    written: Option<&Node>,
    route: &str,
    role: &Role,
    ctx: &Context,
    document: usize,
    out: &mut Vec<Diagnostic>,
) {
    let own = written.map(|w| app_entries(w, route)).unwrap_or_default();
    let own: std::collections::HashMap<&str, &AppEntry> =
        own.iter().map(|o| (o.route.as_str(), o)).collect();
    for app in app_entries(values, route) {
        if role.covered.contains(&app.name)
            || (role.layered && app.node.is_mapping() && app.node.get("destination").is_none())
        {
            continue;
        }
        // The entry as written, when it is the very text read (not an alias's copy, no
        // merge key supplying fields).
        let own = own.get(app.route.as_str()).copied().filter(|o| {
            o.node.span == app.node.span
                && o.node.is_mapping()
                && o.node
                    .entries()
                    .iter()
                    .all(|e| e.key.as_str() != Some("<<"))
        });
        let first = out.len();
        check_app(&app, own, ctx, document, out);
        // `additionalAnnotations` render as the Application's annotations: a suppression
        // annotation there suppresses the entry's findings of that rule.
        let anns = app.node.get("additionalAnnotations");
        let suppressed = |rule: &str| {
            anns.map(Node::entries).unwrap_or_default().iter().any(|e| {
                e.key
                    .as_str()
                    .and_then(|k| k.strip_prefix(crate::suppress::ANNOTATION_PREFIX))
                    == Some(rule)
            })
        };
        let found = out.split_off(first);
        out.extend(found.into_iter().filter(|d| !suppressed(d.rule)));
    }
}

fn check_app(
    app: &AppEntry,
    own: Option<&AppEntry>,
    ctx: &Context,
    document: usize,
    out: &mut Vec<Diagnostic>,
) {
    // `{{- if not $appData }}{{- continue }}`: an empty entry renders nothing.
    if app.node.entries().is_empty() {
        return;
    }
    finalizer_strings(app, ctx, document, out);
    let meta = builtin(MISSING_FINALIZER);
    let value = meta
        .fix
        .as_ref()
        .and_then(|f| f.value.as_deref())
        .unwrap_or(&meta.accepted[0]);
    let fin = app.node.entry("finalizers");
    let label = match fin {
        None => "no `finalizers` in this entry".to_string(),
        Some(f) => {
            let items = f.value.items();
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| ctx.is_cascade(s)))
                || ctx.any_action_in(&ctx.entry_region(f))
            {
                return;
            }
            match &f.value.kind {
                // The explicit opt-out.
                NodeKind::Sequence { items, .. } if items.is_empty() => return,
                NodeKind::Sequence { .. } => "no item cascades".to_string(),
                _ if f.value.is_null() => "`finalizers` has no value".to_string(),
                _ => "`finalizers` is not a list".to_string(),
            }
        }
    };
    let edits = own.and_then(|own| fix_edits(own, ctx, value));
    let fix = edits.and_then(|edits| {
        let fix_meta = meta.fix.as_ref()?;
        Some(Fix {
            applicability: fix_meta.applicability,
            title: "add the cascade finalizer to the argocd-apps entry".into(),
            edits,
        })
    });
    out.push(Diagnostic {
        rule: MISSING_FINALIZER,
        severity: meta.severity,
        message: format!(
            "argocd-apps entry `{}` renders an Application without a cascade finalizer: \
             deleting it orphans every resource it manages",
            app.name
        ),
        document: Some(document),
        object: Some(ObjectRef {
            api_version: "argoproj.io/v1alpha1".into(),
            kind: "Application".into(),
            name: Some(app.name.clone()),
            route: crate::objects::Route(vec![crate::objects::Segment::Key(app.route.clone())]),
        }),
        route: join(&app.route, "finalizers"),
        span: fin.map_or(app.at.clone(), |f| f.key.span.clone()),
        label,
        labels: Vec::new(),
        help: Some(format!(
            "add to the entry (the chart renders it as `metadata.finalizers`):\n  \
             finalizers:\n    - {value}\nor, to keep the resources on purpose, write \
             `finalizers: []`"
        )),
        fix,
        related: Vec::new(),
        pending: None,
    });
}

/// `unknown-finalizer` and `controller-managed-finalizer` on the entry's finalizer list:
/// the rules run on the Application it renders (`metadata` being the entry), their
/// routes and messages then name the entry.
fn finalizer_strings(app: &AppEntry, ctx: &Context, document: usize, out: &mut Vec<Diagnostic>) {
    let Some(fin) = app.node.entry("finalizers") else {
        return;
    };
    let items = fin.value.items();
    if !items
        .iter()
        .any(|i| i.as_str().is_some_and(|s| !ctx.is_cascade(s)))
    {
        return;
    }
    let scalar = |value: &str, span: Span| Node {
        span,
        anchor: 0,
        kind: NodeKind::Scalar {
            value: value.into(),
            style: Style::Plain,
        },
    };
    let key = &app.node.span;
    let node = Node {
        span: app.node.span.clone(),
        anchor: 0,
        kind: NodeKind::Mapping {
            entries: vec![Entry {
                key: scalar("metadata", key.start..key.start),
                value: app.node.clone(),
            }],
            flow: false,
        },
    };
    let kind_node = scalar("Application", key.start..key.start);
    let obj = crate::objects::ArgoObject {
        document,
        node: &node,
        kind: crate::objects::ArgoKind::Application,
        kind_node: &kind_node,
        api_version: "argoproj.io/v1alpha1".into(),
        name: Some(app.name.clone()),
        // The entry's route as one step: this object is the entry's rendering, with no
        // source to follow (fixes go through the entry's own edits).
        route: crate::objects::Route(vec![crate::objects::Segment::Key(app.route.clone())]),
        source: None,
    };
    let first = out.len();
    crate::rules::check_finalizer_strings(&obj, ctx, out);
    let described = obj.describe();
    for d in &mut out[first..] {
        d.route = d.route.replacen(".metadata.finalizers", ".finalizers", 1);
        if let Some(rest) = d.message.strip_prefix(&described) {
            d.message = format!("argocd-apps entry `{}`{rest}", app.name);
        }
    }
}

/// The edits that give the entry `finalizers: [value]`.
fn fix_edits(app: &AppEntry, ctx: &Context, value: &str) -> Option<Vec<Edit>> {
    // (Values are not templates: the edits keep clear of masked text on their own.)
    if !edits::line_editable(ctx.facts()) {
        return None;
    }
    let dups = app
        .node
        .entries()
        .iter()
        .filter(|e| e.key.as_str() == Some("finalizers"))
        .count();
    if dups > 1 {
        return None;
    }
    let layout = ctx.layout();
    match app.node.entry("finalizers") {
        None => {
            // A list item has no key of its own: edit it as the value of an empty key.
            let fake;
            let entry = match app.entry {
                Some(e) => e,
                None => {
                    fake = Entry {
                        key: Node {
                            span: app.node.span.start..app.node.span.start,
                            anchor: 0,
                            kind: NodeKind::Scalar {
                                value: Default::default(),
                                style: Style::Plain,
                            },
                        },
                        value: app.node.clone(),
                    };
                    &fake
                }
            };
            edits::add_to_metadata(&layout, entry, ctx.position(), value)
        }
        Some(f) if f.value.is_null() => edits::add_under_empty(&layout, f, app.node, value),
        Some(f) if !f.value.items().is_empty() => edits::append_item(&layout, f, value),
        Some(_) => None,
    }
}
