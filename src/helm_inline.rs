//! Inline argocd-apps values of an Application using the chart: `helm.valuesObject`, and
//! `helm.values`, a YAML string parsed on its own, checked, and the findings mapped back
//! into the file. Fixes are made in place in a
//! literal block scalar (`|`, `|-`, `|+`, no indentation indicator) whose lines map back
//! exactly; in another scalar style the finding points at the `values` key, without fix.

use crate::diagnostic::{Diagnostic, Edit};
use crate::helm_apps::{check_values, join, values_at, Role, CHART};
use crate::rules::Context;
use crate::source::Span;
use crate::yaml::Node;
use crate::yaml::{self, Entry, Style};

/// A literal block's content (indentation removed) and where each of its lines is in the
/// file.
struct Block {
    content: String,
    /// Per content line: its start in `content`, its start in the file, and how many
    /// indentation bytes were removed.
    lines: Vec<(usize, usize, usize)>,
    /// The file offset after the block's last line.
    end: usize,
}

impl Block {
    /// The block of the literal scalar `node` (spanning from its `|` header to the end of
    /// its last line) in `text`, when its content reads back as the parser's `value`.
    fn of(text: &str, span: &Span, value: &str) -> Option<Block> {
        let header_end = text[span.start..span.end].find('\n')? + span.start + 1;
        let header = text[span.start..header_end].split('#').next()?;
        if header.bytes().any(|b| b.is_ascii_digit()) {
            return None; // an explicit indentation indicator
        }
        let body = &text[header_end..span.end];
        let indent = body
            .split_inclusive('\n')
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())?;
        let mut block = Block {
            content: String::with_capacity(body.len()),
            lines: Vec::new(),
            end: span.end,
        };
        let mut at = header_end;
        for line in body.split_inclusive('\n') {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let cut = spaces.min(indent);
            if cut < indent && !line.trim().is_empty() {
                return None;
            }
            block.lines.push((block.content.len(), at, cut));
            block.content.push_str(&line[cut..]);
            at += line.len();
        }
        block.end = at;
        let normal = block.content.replace("\r\n", "\n");
        (normal.trim_end_matches('\n') == value.trim_end_matches('\n')).then_some(block)
    }

    /// The file offset of content offset `pos`.
    fn map(&self, pos: usize) -> usize {
        let i = self.lines.partition_point(|l| l.0 <= pos).saturating_sub(1);
        match self.lines.get(i) {
            Some(&(content, file, cut)) => file + cut + (pos - content),
            None => pos,
        }
    }

    /// Where line `pos` starts in the file, when `pos` is at a content line's start.
    fn line_start(&self, pos: usize) -> Option<usize> {
        let i = self.lines.partition_point(|l| l.0 < pos);
        match self.lines.get(i) {
            Some(l) if l.0 == pos => Some(l.1),
            None if pos == self.content.len() && self.content.ends_with('\n') => Some(self.end),
            _ => None,
        }
    }

    /// An edit of the content as an edit of the file: its new lines get the block's
    /// indentation.
    fn map_edit(&self, e: &Edit, indent: usize) -> Edit {
        let pad = " ".repeat(indent);
        let at_line_start = e.span.start == e.span.end
            && (e.span.start == 0 || self.content.as_bytes()[e.span.start - 1] == b'\n');
        match self.line_start(e.span.start).filter(|_| at_line_start) {
            Some(file) => {
                let content: String = e
                    .content
                    .split_inclusive('\n')
                    .map(|l| format!("{pad}{l}"))
                    .collect();
                Edit {
                    span: file..file,
                    content,
                }
            }
            None => Edit {
                span: self.map(e.span.start)..self.map(e.span.end),
                content: e.content.replace('\n', &format!("\n{pad}")),
            },
        }
    }

    fn indent(&self) -> usize {
        self.lines.iter().map(|l| l.2).max().unwrap_or(0)
    }
}

/// Check the `values` entry (a string) of a `helm` mapping at `helm_route`; `own` is the
/// entry as written (fixes edit only there).
pub fn check_string(
    values: &Entry,
    own: Option<&Entry>,
    helm_route: &str,
    role: &Role,
    ctx: &Context,
    document: usize,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = values.value.as_str() else {
        return;
    };
    if !value.contains("applications") || value.contains("{{") {
        return;
    }
    let literal = matches!(
        values.value.kind,
        yaml::NodeKind::Scalar {
            style: Style::Literal,
            ..
        }
    );
    let block = own
        .filter(|_| literal && !ctx.any_action_in(&values.value.span))
        .and_then(|o| Block::of(ctx.text, &o.value.span, value));
    let text = block.as_ref().map_or(value, |b| b.content.as_str());
    let route = format!("{helm_route}.values");
    let mut found = Vec::new();
    let facts = std::cell::OnceCell::new();
    let parsed = yaml::parse(text, text);
    if !parsed.errors.is_empty() {
        return;
    }
    for doc in &parsed.documents {
        let resolved = match doc.refs {
            true => match yaml::resolve(&doc.root) {
                Ok(r) => Some(r.root),
                Err(_) => continue,
            },
            false => None,
        };
        let sub = Context {
            text,
            masked: None,
            document: &doc.root,
            settings: ctx.settings,
            facts: &facts,
            doc_layout: Default::default(),
            graph_facts: false,
        };
        let key = role.key.as_str();
        let Some(read) = values_at(resolved.as_ref().unwrap_or(&doc.root), key) else {
            continue;
        };
        let written = block.as_ref().and_then(|_| values_at(&doc.root, key));
        let written = written.filter(|w| w.span == read.span);
        let route = join(&route, key);
        check_values(read, written, &route, role, &sub, document, &mut found);
    }
    for mut d in found {
        match &block {
            Some(b) => {
                d.span = b.map(d.span.start)..b.map(d.span.end);
                for l in &mut d.labels {
                    l.span = b.map(l.span.start)..b.map(l.span.end);
                }
                if let Some(fix) = &mut d.fix {
                    fix.edits = fix
                        .edits
                        .iter()
                        .map(|e| b.map_edit(e, b.indent()))
                        .collect();
                }
            }
            None => {
                d.span = values.key.span.clone();
                d.fix = None;
                d.label = "argocd-apps values written as a string".into();
            }
        }
        out.push(d);
    }
}

/// Whether an Application source deploys the chart from a Helm repository
/// (`chart: argocd-apps`). A Git path is not taken for the chart by its name: a chart of
/// one's own may be called so (the value files of a Git path are decided by its
/// Chart.yaml, see [`crate::helm_stage`]).
pub fn is_chart_source(source: &Node) -> bool {
    source.get("chart").and_then(Node::as_str) == Some(CHART)
}

/// The sources of an Application (`spec.source`, `spec.sources[]`) with their routes.
pub fn sources(object: &Node) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    if let Some(s) = object.at("spec.source") {
        out.push(("spec.source".to_string(), s));
    }
    let items = object
        .at("spec.sources")
        .map(Node::items)
        .unwrap_or_default();
    for (i, s) in items.iter().enumerate() {
        out.push((format!("spec.sources[{i}]"), s));
    }
    out
}

/// Check the inline argocd-apps values of an Application, or of the template of an
/// ApplicationSet (the Applications it generates).
pub fn check_object(obj: &crate::objects::ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let document = obj.document;
    match obj.kind {
        crate::objects::ArgoKind::Application => check_inline(
            obj.node,
            obj.source,
            &obj.route.to_string(),
            ctx,
            document,
            out,
        ),
        crate::objects::ArgoKind::ApplicationSet => {
            let Some(template) = obj.node.at("spec.template") else {
                return;
            };
            let own = obj.source.and_then(|s| s.at("spec.template"));
            let route = obj.route_to("spec.template");
            check_inline(template, own, &route, ctx, document, out)
        }
    }
}

/// Check the inline values (`helm.valuesObject`, `helm.values`) of an Application whose
/// source deploys the chart. `object` is the object as read, `written` as written (for
/// fixes), `route` the object's route in its document.
pub fn check_inline(
    object: &Node,
    written: Option<&Node>,
    route: &str,
    ctx: &Context,
    document: usize,
    out: &mut Vec<Diagnostic>,
) {
    let written_sources = written.map(sources).unwrap_or_default();
    for (src_route, source) in sources(object) {
        // The chart itself, or a Git path that may be an umbrella chart depending on it
        // (its values under `argocd-apps:`, the dependency's name; an alias is not known
        // without its Chart.yaml).
        let key = if is_chart_source(source) {
            ""
        } else if source.get("path").is_some() {
            CHART
        } else {
            continue;
        };
        let own_helm = written_sources
            .iter()
            .find(|(r, s)| *r == src_route && s.span == source.span)
            .and_then(|(_, s)| s.get("helm"));
        let Some(helm) = source.get("helm") else {
            continue;
        };
        let helm_route = join(&join(route, &src_route), "helm");
        // Inline values are merged over the source's value files (not read here).
        // Inline values are merged over the source's value files (not read here), and an
        // umbrella's over its `values.yaml`.
        let role = Role {
            key: key.to_string(),
            layered: !key.is_empty()
                || helm.at("valueFiles").is_some_and(|f| !f.items().is_empty()),
            ..Role::default()
        };
        let object = helm.get("valuesObject").filter(|v| v.is_mapping());
        if let Some(obj) = object.and_then(|o| values_at(o, key)) {
            let own = own_helm
                .and_then(|h| h.get("valuesObject"))
                .and_then(|o| values_at(o, key))
                .filter(|w| w.span == obj.span);
            let r = join(&join(&helm_route, "valuesObject"), key);
            check_values(obj, own, &r, &role, ctx, document, out);
        }
        if let Some(values) = helm.entry("values") {
            let own = own_helm
                .and_then(|h| h.entry("values"))
                .filter(|w| w.value.span == values.value.span);
            let r = &helm_route;
            check_string(values, own, r, &role, ctx, document, out);
        }
    }
}
