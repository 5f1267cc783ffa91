//! `missing-finalizer`: an Argo CD object whose deletion would orphan its resources.

use super::edits::{self, Layout};
use super::{builtin, decision, Context, MISSING_FINALIZER};
use crate::diagnostic::{Diagnostic, Fix, GraphCheck, Label};
use crate::objects::{ArgoKind, ArgoObject};
use crate::source::Span;
use crate::yaml::{Entry, Node, NodeKind};

/// What the finalizer list of an object says.
enum Finding<'a> {
    /// No `metadata` at all.
    NoMetadata,
    /// `metadata` without `finalizers`.
    NoFinalizers { metadata: &'a Entry },
    /// `finalizers:` with no value (or `null`).
    Empty { fin: &'a Entry },
    /// A list of finalizers, none of which cascades.
    NoCascade {
        fin: &'a Entry,
        others: Vec<&'a str>,
    },
    /// `finalizers` is not a list.
    NotAList { fin: &'a Entry },
}

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let meta = builtin(MISSING_FINALIZER);
    let field = meta.field(obj.kind.as_str());
    let (metadata_route, _) = field.rsplit_once('.').unwrap_or(("metadata", ""));
    let accepted = |s: &str| ctx.is_cascade(s);

    if obj.kind == ArgoKind::ApplicationSet
        && obj
            .node
            .at("spec.syncPolicy.preserveResourcesOnDeletion")
            .is_some_and(Node::is_true)
    {
        return;
    }
    let not_checked = |span: Span, why: &str, out: &mut Vec<Diagnostic>| {
        super::not_checked::template_logic(obj, span, field, why, out)
    };

    let finding = match obj.node.entry_at(metadata_route) {
        None => {
            if obj.kind == ArgoKind::ApplicationSet {
                return; // no template metadata: the controller injects the finalizer
            }
            if ctx.templated_between_children(obj.node, obj.node.span.clone()) {
                return super::not_checked::template_logic(
                    obj,
                    obj.kind_node.span.clone(),
                    metadata_route,
                    "template logic",
                    out,
                );
            }
            Finding::NoMetadata
        }
        Some(md) => {
            let region = ctx.entry_region(md);
            if !md.value.is_mapping() && ctx.any_action_in(&md.value.span) {
                // `metadata: {{ toYaml .Values.metadata | nindent 2 }}`
                return not_checked(md.key.span.clone(), "template logic", out);
            }
            if let Some((span, conds)) = decided_by_condition(obj, ctx, metadata_route, md) {
                return super::not_checked::condition(obj, span, field, &conds, out);
            }
            match md.value.entry("finalizers") {
                None => {
                    if obj.kind == ArgoKind::ApplicationSet {
                        return;
                    }
                    if ctx.templated_between_children(&md.value, region) {
                        return not_checked(md.key.span.clone(), "template logic", out);
                    }
                    Finding::NoFinalizers { metadata: md }
                }
                Some(fin) => {
                    let items = fin.value.items();
                    if items.iter().any(|i| i.as_str().is_some_and(accepted)) {
                        return;
                    }
                    // An indentless list's items sit at the key's column, past its
                    // entry region: their actions are looked up one by one.
                    if ctx.any_action_in(&ctx.entry_region(fin))
                        || items.iter().any(|i| ctx.any_action_in(&i.span))
                    {
                        return not_checked(fin.key.span.clone(), "template logic", out);
                    }
                    match &fin.value.kind {
                        NodeKind::Sequence { items, .. } if items.is_empty() => {
                            // `finalizers: []` is the explicit opt-out; for an
                            // ApplicationSet an empty template list makes the controller
                            // inject the finalizer.
                            return;
                        }
                        NodeKind::Sequence { items, .. } => Finding::NoCascade {
                            fin,
                            others: items.iter().filter_map(Node::as_str).collect(),
                        },
                        _ if fin.value.is_null() => {
                            if obj.kind == ArgoKind::ApplicationSet {
                                return;
                            }
                            Finding::Empty { fin }
                        }
                        _ => Finding::NotAList { fin },
                    }
                }
            }
        }
    };

    let what = obj.describe();
    let value = meta
        .fix
        .as_ref()
        .and_then(|f| f.value.as_deref())
        .unwrap_or(&meta.accepted[0]);
    let (span, detail, help): (Span, String, String) = match &finding {
        Finding::NoMetadata => (
            obj.kind_node.span.clone(),
            "no `metadata`".into(),
            format!("add:\nmetadata:\n  finalizers:\n    - {value}"),
        ),
        Finding::NoFinalizers { metadata } => (
            metadata.key.span.clone(),
            "no `finalizers` here".into(),
            format!("add to `{metadata_route}`:\n  finalizers:\n    - {value}"),
        ),
        Finding::Empty { fin, .. } => (
            fin.key.span.clone(),
            "`finalizers` has no value".into(),
            format!("add under `finalizers:`:\n  - {value}"),
        ),
        Finding::NoCascade { fin, others } => {
            let detail = if others.is_empty() {
                "no item cascades".to_string()
            } else {
                let list: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
                format!("none of {} cascades", list.join(", "))
            };
            let misspelt = others
                .iter()
                .any(|o| o.to_ascii_lowercase().contains("resources-finalizer"));
            let help = if misspelt {
                format!("fix the misspelt finalizer (see `unknown-finalizer`), or add the item:\n  - {value}")
            } else {
                format!("add the item:\n  - {value}")
            };
            (fin.key.span.clone(), detail, help)
        }
        Finding::NotAList { fin } => (
            fin.key.span.clone(),
            "`finalizers` is not a list".into(),
            format!("write it as a list:\n  finalizers:\n    - {value}"),
        ),
    };
    let consequence = match obj.kind {
        ArgoKind::Application if is_app_of_apps(obj) => {
            "it is an app of apps: deleting it orphans every Application it manages and their resources"
        }
        ArgoKind::Application => "deleting it orphans every resource it manages",
        ArgoKind::ApplicationSet => {
            "the Applications it generates orphan their resources when deleted"
        }
    };
    let message = format!("{what} has no cascade finalizer: {consequence}");
    let mut help = help;
    let decision = deliberate(obj, ctx, &finding, metadata_route);
    if obj.kind == ArgoKind::Application && decision.is_none() {
        help.push_str("\nor, to keep the resources on purpose, write `finalizers: []`");
    }
    let mut labels = Vec::new();
    if span != obj.kind_node.span {
        labels.push(Label {
            span: obj.kind_node.span.clone(),
            message: format!("this {}", obj.kind.as_str()),
        });
    }
    let mut detail = detail;
    if let Some(d) = &decision {
        let (note, label, more_help) = explain_decision(obj, ctx, &span, d);
        detail.push_str(&note);
        labels.push(label);
        help.push_str(&more_help);
    }
    let argocd = obj.kind == ArgoKind::Application && super::graph_parts::deploys_argocd(obj);
    if argocd {
        help.push_str(&format!("\n{}", super::graph::ARGOCD_FIX_NOTE));
    }
    let fix = fix_for(obj, ctx, &finding, metadata_route, value).and_then(|edits| {
        let fix_meta = meta.fix.as_ref()?;
        let deliberate = decision.as_ref().and(fix_meta.deliberate);
        let deliberate = deliberate.or(argocd.then_some(crate::diagnostic::Applicability::Unsafe));
        Some(Fix {
            applicability: deliberate.unwrap_or(fix_meta.applicability),
            title: fix_meta.title.replace("{field}", field),
            edits,
        })
    });
    out.push(Diagnostic {
        rule: MISSING_FINALIZER,
        severity: meta.severity,
        message,
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to(field),
        span,
        label: detail,
        labels,
        help: Some(help),
        fix,
        related: Vec::new(),
        pending: super::graph_parts::pending_on(obj, GraphCheck::MissingFinalizer { what }),
    });
}

/// Whether the finalizer list `fin` holds a cascade finalizer.
fn cascades(ctx: &Context, fin: &Node) -> bool {
    fin.items()
        .iter()
        .any(|i| i.as_str().is_some_and(|s| ctx.is_cascade(s)))
}

/// Whether the `key` entries of `mapping` in other branches of `entry`'s template
/// condition decide otherwise than `entry` (by `decides`): one cascades and another does
/// not, or no other branch writes the key and its absence (`absent`: whether an object
/// without it cascades) decides otherwise.
fn branches_differ(
    ctx: &Context,
    mapping: &Node,
    entry: &Entry,
    absent: bool,
    decides: impl Fn(&Node) -> bool,
) -> bool {
    let at = entry.key.span.start;
    let mine = decides(&entry.value);
    let mut others = mapping
        .entries()
        .iter()
        .filter(|e| e.key.as_str() == entry.key.as_str() && ctx.exclusive(e.key.span.start, at))
        .map(|e| decides(&e.value))
        .peekable();
    match others.peek() {
        None => mine != absent,
        Some(_) => others.any(|c| c != mine),
    }
}

/// Where template conditions inside the object decide whether it cascades: the span to
/// report and the conditions. The `finalizers` key is rendered on a condition (and its
/// other branches decide otherwise, or its items come from the template), or all its cascade items are, or the `metadata`
/// block is and another branch of its condition decides otherwise (or writes no
/// `metadata` at all while this one cascades).
fn decided_by_condition(
    obj: &ArgoObject,
    ctx: &Context,
    metadata_route: &str,
    md: &Entry,
) -> Option<(Span, Vec<String>)> {
    ctx.masked?;
    // An ApplicationSet template without finalizers (or with an empty list) gets the
    // cascade finalizer from the controller.
    let appset = obj.kind == ArgoKind::ApplicationSet;
    let decides =
        |f: &Node| cascades(ctx, f) || (appset && f.items().is_empty() && !f.is_mapping());
    let md_at = md.key.span.start;
    if let Some(fin) = md.value.entry("finalizers") {
        let conds = ctx.conditions(fin.key.span.start, md_at);
        let decided = || {
            branches_differ(ctx, &md.value, fin, appset, |f| decides(f))
                || ctx.any_action_in(&ctx.entry_region(fin))
        };
        if !conds.is_empty() && decided() {
            return Some((fin.key.span.clone(), conds));
        }
        let fin_at = fin.key.span.start;
        let mut cascade = fin
            .value
            .items()
            .iter()
            .filter(|i| i.as_str().is_some_and(|s| ctx.is_cascade(s)))
            .map(|i| ctx.conditions(i.span.start, fin_at));
        if let Some(first) = cascade.next() {
            if !first.is_empty() && cascade.all(|c| !c.is_empty()) {
                return Some((fin.key.span.clone(), first));
            }
        }
    }
    let conds = ctx.conditions(md_at, obj.kind_node.span.start);
    if conds.is_empty() {
        return None;
    }
    let parent = match metadata_route.rsplit_once('.') {
        Some((route, _)) => obj.node.at(route)?,
        None => obj.node,
    };
    let lists_cascade = |m: &Node| m.get("finalizers").map_or(appset, decides);
    branches_differ(ctx, parent, md, appset, lists_cascade).then(|| (md.key.span.clone(), conds))
}

/// A comment in the metadata block that records the finalizer was left out on purpose.
fn deliberate(
    obj: &ArgoObject,
    ctx: &Context,
    finding: &Finding,
    metadata_route: &str,
) -> Option<decision::Decision> {
    if matches!(finding, Finding::NoMetadata) {
        return None;
    }
    let words = builtin(MISSING_FINALIZER).deliberate.as_ref()?;
    let md = obj.node.entry_at(metadata_route)?;
    // The metadata block (with the comment lines right after it, also past template
    // lines that output nothing), and the comment lines right above its key.
    // A flow mapping (JSON too) holds its comments inside its brackets: its region would
    // run to the end of its last line, on a one-line file the rest of the file, for every
    // object (quadratic).
    let flow = matches!(md.value.kind, NodeKind::Mapping { flow: true, .. });
    let region = if flow {
        md.key.span.end..md.value.span.end
    } else {
        let region = ctx.entry_region(md);
        region.start..decision::past_comments(ctx, region.end)
    };
    let above = decision::comments_above(ctx, md.key.span.start);
    let line_of_key = ctx.facts().lines.line_start(md.key.span.start);
    let before = (above < line_of_key).then_some(above..line_of_key);
    before
        .and_then(|b| decision::find(ctx, words, &b, &md.value))
        .or_else(|| decision::find(ctx, words, &region, &md.value))
}

/// What the diagnostic (whose span is `span`) says of a decision comment: a note for its
/// label, a label on the comment, and what to write if it is deliberate, for the help.
fn explain_decision(
    obj: &ArgoObject,
    ctx: &Context,
    span: &Span,
    d: &decision::Decision,
) -> (String, Label, String) {
    let (what, said) = if d.commented_out {
        ("a commented-out finalizer", "commented-out finalizer")
    } else {
        ("the comment", "this comment says it is deliberate")
    };
    let note = format!(" ({what} at line {} suggests this is deliberate)", d.line);
    let label = Label {
        span: d.span.clone(),
        message: said.into(),
    };
    let line = ctx.facts().lines.line_of(span.start);
    let opt_out = match obj.kind {
        ArgoKind::Application => "write `finalizers: []`, or ",
        ArgoKind::ApplicationSet => "set `spec.syncPolicy.preserveResourcesOnDeletion: true`, or ",
    };
    let help = format!(
        "\n{what} at line {} suggests this is deliberate: if so, {opt_out}put \
         `# gitops-lint: ignore[{MISSING_FINALIZER}] <reason>` on its own line above line \
         {line}; the fix is unsafe (`--fix --unsafe-fixes` applies it)",
        d.line
    );
    (note, label, help)
}

/// The text edits that add the cascade finalizer, when they can be made safely.
/// Whether `mapping` has `key` more than once (Kubernetes rejects it; which one a fix
/// should edit is anyone's guess).
fn duplicated(mapping: &Node, key: &str) -> bool {
    mapping
        .entries()
        .iter()
        .filter(|e| e.key.as_str() == Some(key))
        .count()
        > 1
}

fn fix_for(
    obj: &ArgoObject,
    ctx: &Context,
    finding: &Finding,
    metadata_route: &str,
    value: &str,
) -> Option<Vec<crate::diagnostic::Edit>> {
    if !edits::line_editable(ctx.facts())
        || duplicated(obj.node, "metadata")
        || duplicated(obj.node, "kind")
        || obj
            .node
            .get("spec")
            .is_some_and(|s| duplicated(s, "template"))
        || obj
            .node
            .at("spec.template")
            .is_some_and(|t| duplicated(t, "metadata"))
        || obj
            .node
            .at(metadata_route)
            .is_some_and(|m| duplicated(m, "finalizers"))
    {
        return None;
    }
    let layout = Layout::new(ctx);
    // Edits go into the object's own text only: never into an alias's anchor (its other
    // users would change too), never a key that would override what a merge key supplies.
    let fin_route = format!("{metadata_route}.finalizers");
    match finding {
        Finding::NoMetadata => edits::add_metadata(&layout, obj.own_mapping("")?, value),
        Finding::NoFinalizers { .. } => {
            let metadata = obj.own_entry(metadata_route)?;
            edits::add_to_metadata(&layout, metadata, ctx.position(), value)
        }
        Finding::Empty { .. } => {
            let parent = obj.own_mapping(metadata_route)?;
            edits::add_under_empty(&layout, obj.own_entry(&fin_route)?, parent, value)
        }
        Finding::NoCascade { .. } => edits::append_item(&layout, obj.own_entry(&fin_route)?, value),
        Finding::NotAList { .. } => None,
    }
}

/// A Kubefirst-style app of apps: the `registry` Application, or one whose source path is
/// in a cluster's registry folder.
fn is_app_of_apps(obj: &ArgoObject) -> bool {
    if obj.kind != ArgoKind::Application {
        return false;
    }
    if obj.name.as_deref() == Some("registry") {
        return true;
    }
    let spec = obj.node.get("spec");
    let single = spec.and_then(|s| s.at("source.path")).into_iter();
    let multi = spec
        .and_then(|s| s.get("sources"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.get("path"));
    single.chain(multi).filter_map(Node::as_str).any(|p| {
        let parts: Vec<&str> = p
            .trim_start_matches("./")
            .trim_end_matches('/')
            .split('/')
            .collect();
        // A cluster's registry folder holds Applications (Kubefirst: `registry/clusters/
        // <cluster>[/components/<x>]`, k3d `registry/<cluster>/…`); environments hold charts.
        parts.len() >= 2 && parts[0] == "registry" && parts[1] != "environments"
    })
}
