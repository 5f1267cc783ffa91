//! Linting one file: source → (template masking) → YAML tree → objects → rules →
//! suppressions.

use crate::diagnostic::{Diagnostic, FileReport, Pending};
use crate::rules::{self, Context, SYNTAX_ERROR, UNUSED_SUPPRESSION};
use crate::settings::Settings;
use crate::source::{self, Span};
use crate::{embedded, objects, suppress, template, yaml};
use memchr::memmem;
use std::ops::Range;
use std::sync::Arc;

/// The bytes a file must contain to hold an Argo CD object.
pub const NEEDLE: &[u8] = objects::family::ArgoCd::NEEDLE;

/// Per-file options.
#[derive(Debug, Clone, Copy)]
pub struct FileOptions<'a> {
    /// The file is a Kustomize patch (listed under `patches`, `patchesStrategicMerge` or
    /// `patchesJson6902`): its objects are fragments and are not checked.
    pub kustomize_patch: bool,
    pub settings: &'a Settings,
    /// The file holds values of the `argocd-apps` chart: where in the file, and what the
    /// files merged with it supply ([`crate::helm_apps::Role`]).
    pub helm_values: Option<&'a crate::helm_apps::Role>,
    /// What the app graph says of this file's objects.
    pub graph: GraphMode<'a>,
}

/// How findings that depend on the app graph are settled.
#[derive(Debug, Clone, Copy)]
pub enum GraphMode<'a> {
    /// Now, with these facts (`None`: no graph, or it knows nothing of the file).
    Resolved(Option<&'a crate::graph::context::FileContext>),
    /// Later, once the graph is built ([`crate::rules::graph::finish`]): the walk lints
    /// files before the graph exists, and leaves such findings pending.
    Deferred,
}

static DEFAULT_SETTINGS: Settings = Settings::DEFAULT;

impl Default for FileOptions<'static> {
    fn default() -> Self {
        FileOptions {
            kustomize_patch: false,
            settings: &DEFAULT_SETTINGS,
            helm_values: None,
            graph: GraphMode::Resolved(None),
        }
    }
}

/// What linting one file gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The file cannot hold an Argo CD object (no `argoproj.io` bytes); not parsed.
    Skipped,
    Scanned(FileReport),
}

/// Whether `bytes` could hold an Argo CD object: they contain [`NEEDLE`], or an escape
/// of a double-quoted scalar that could spell it (`argoproj\u002eio`, `\x2e`,
/// `\U0000002e`, or a line broken with `\` at its end: `"argoproj.\` then `io/…"`).
pub fn may_hold_argo(bytes: &[u8]) -> bool {
    // One searcher for the whole run: building it costs more than searching a small file.
    static FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| memmem::Finder::new(NEEDLE))
        .find(bytes)
        .is_some()
        || may_hide_needle(bytes)
}

/// Whether a file may hold an object [`lint_scanned`] checks: else it is skipped unparsed
/// (a caller may skip it first, and spare the work of naming it).
pub fn may_hold_objects(bytes: &[u8], needles: Needles) -> bool {
    needles.argo || may_hide_needle(bytes) || utf16_may_hold_argo(bytes)
}

/// A second pass, only over files without the needle: a backslash followed by `u`, `x`,
/// `U` or a line break (the escapes that can write an ASCII character or join lines).
fn may_hide_needle(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\\', bytes)
        .any(|i| matches!(bytes.get(i + 1), Some(b'u' | b'x' | b'U' | b'\n' | b'\r')))
}

/// A UTF-16 file (with a BOM) whose text mentions `argoproj.io`: not skipped, so that it
/// is reported as not UTF-8 rather than silently ignored.
fn utf16_may_hold_argo(bytes: &[u8]) -> bool {
    let le = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return false,
    };
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{fffd}'))
        .collect();
    may_hold_argo(text.as_bytes())
}

/// Which of the two needles a file's bytes hold, found in one pass (both begin with
/// `argo`): `argoproj.io` ([`NEEDLE`]) and `argocd-apps` ([`crate::helm_apps::NEEDLE`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Needles {
    pub argo: bool,
    pub chart: bool,
}

impl Needles {
    pub fn scan(bytes: &[u8]) -> Needles {
        static FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
        let finder = FINDER.get_or_init(|| memmem::Finder::new(b"argo"));
        let mut found = Needles::default();
        for at in finder.find_iter(bytes) {
            let rest = &bytes[at..];
            found.argo |= rest.starts_with(NEEDLE);
            found.chart |= rest.starts_with(crate::helm_apps::NEEDLE);
            if found.argo && found.chart {
                break;
            }
        }
        found
    }
}

/// Lint a file's bytes. `path` is the path to report.
pub fn lint_bytes(path: &str, bytes: &[u8], options: FileOptions) -> Outcome {
    lint_scanned(path, bytes, options, Needles::scan(bytes))
}

/// [`lint_bytes`] for bytes whose [`Needles`] are known.
pub fn lint_scanned(path: &str, bytes: &[u8], options: FileOptions, needles: Needles) -> Outcome {
    lint_scanned_observed(path, bytes, options, needles, &mut |_| {})
}

/// [`lint_scanned`], showing `observe` each document as the objects are read from it
/// (aliases and merge keys resolved), as [`lint_text_observed`] does.
pub fn lint_scanned_observed(
    path: &str,
    bytes: &[u8],
    options: FileOptions,
    needles: Needles,
    observe: &mut dyn FnMut(&yaml::Document),
) -> Outcome {
    if !may_hold_objects(bytes, needles) {
        return Outcome::Skipped;
    }
    // Borrow the bytes as text: nothing is copied unless there is something to report.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            // (`decode` fails exactly where `from_utf8` does.)
            let Err(err) = source::decode(bytes.to_vec()) else {
                return Outcome::Skipped;
            };
            let meta = rules::builtin(SYNTAX_ERROR);
            let diag = Diagnostic {
                rule: SYNTAX_ERROR,
                severity: meta.severity,
                message: err.message,
                document: None,
                object: None,
                route: String::new(),
                span: err.offset..err.offset,
                label: "not UTF-8".into(),
                labels: Vec::new(),
                help: Some("save the file as UTF-8 text".into()),
                fix: None,
                related: Vec::new(),
                pending: None,
            };
            // The report keeps the valid prefix: line/column of the error come from it.
            return Outcome::Scanned(FileReport {
                path: path.to_string(),
                path_bytes: None,
                source: Some(Arc::from(err.prefix)),
                diagnostics: vec![diag],
            });
        }
    };
    let diagnostics = lint_text_observed(path, text, options, observe);
    let source = (!diagnostics.is_empty()).then(|| Arc::from(text));
    Outcome::Scanned(FileReport {
        path: path.to_string(),
        path_bytes: None,
        source,
        diagnostics,
    })
}

/// Lint a file's text.
pub fn lint_text(path: &str, text: &str, options: FileOptions) -> Vec<Diagnostic> {
    lint_text_observed(path, text, options, &mut |_| {})
}

/// [`lint_text`], showing `observe` each document whose objects are checked, as they are
/// read (aliases and merge keys resolved): repository facts are taken from the same parse.
/// A Kustomize patch's documents, and documents whose aliases cannot be resolved and whose
/// objects are not checked, are not shown.
pub fn lint_text_observed(
    path: &str,
    text: &str,
    options: FileOptions,
    observe: &mut dyn FnMut(&yaml::Document),
) -> Vec<Diagnostic> {
    let masked = template::mask_with(text, template::syntax_of(path, text));
    let parse_text = masked.as_ref().map_or(text, |m| m.text.as_str());
    let mut out = Vec::new();
    // The file's line index and other facts, built once if a finding needs them.
    let text_facts = std::cell::OnceCell::new();
    let in_action = |span: &Span| {
        masked
            .as_ref()
            .is_some_and(|m| m.actions_in(span).next().is_some())
    };
    let scalar_text = |node: &yaml::Node| -> Option<String> {
        let value = node.as_str()?;
        if in_action(&node.span) {
            Some(
                text[node.span.clone()]
                    .trim_matches(['"', '\''])
                    .to_string(),
            )
        } else {
            Some(value.to_string())
        }
    };
    // Object rules, and the annotations that may suppress their findings.
    let mut annotations: Vec<Annotation> = Vec::new();
    // Per object: the range of its diagnostics in `out`, and of its annotations.
    let mut object_ranges: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    // What the fix validation needs to know of each document (its tree is dropped).
    let mut facts = crate::safety::validate::Facts::default();
    // Applications deploying the argocd-apps chart are looked at only in files naming it.
    let names_chart = &crate::helm_apps::names_chart(text.as_bytes());
    // Documents are checked as the parser completes them and then dropped: a large file
    // never has more than one document's tree in memory.
    // Suppression comments: the parser tells which candidates are real comments.
    let mut directives = suppress::scan(path, text);
    let errors = yaml::parse_each_probed(parse_text, text, &mut directives.probes, &mut |doc| {
        if options.kustomize_patch {
            facts.add(&doc, &doc.root.span, Vec::new(), &[]);
            return;
        }
        // Aliases and merge keys: the objects are read from the resolved copy (only where an
        // Argo CD object could be: anchors do not reach past their document).
        let resource_like = || {
            ["apiVersion", "kind", "<<"]
                .iter()
                .any(|k| doc.root.get(k).is_some())
        };
        let resolve = doc.refs
            && (resource_like()
                || options.helm_values.is_some()
                || may_hold_argo(text[doc.root.span.clone()].as_bytes()));
        let mut aliased = Vec::new();
        let mut unresolved = false;
        let resolved = match resolve.then(|| yaml::resolve(&doc.root)) {
            None => None,
            Some(Ok(r)) => {
                aliased = r.aliased;
                Some(yaml::Document {
                    index: doc.index,
                    root: r.root,
                    refs: false,
                })
            }
            Some(Err(err)) => {
                // What the checks read (apiVersion, kind, metadata) is written out plainly:
                // the object is checked as written, and offered no fix; else not checked.
                let plain = yaml::reads_plainly(&doc.root);
                out.push(rules::not_checked::unresolved(doc.index, &err, plain));
                if !plain {
                    facts.add(&doc, &doc.root.span, Vec::new(), &[]);
                    return;
                }
                unresolved = true;
                None
            }
        };
        let doc_first = out.len();
        {
            let ctx = Context {
                text,
                masked: masked.as_ref(),
                document: &doc.root,
                settings: options.settings,
                facts: &text_facts,
                doc_layout: Default::default(),
                graph_facts: matches!(options.graph, GraphMode::Resolved(Some(_))),
            };
            let view = resolved.as_ref().unwrap_or(&doc);
            // The observer reads the document's values as written: in a templated file,
            // a scalar holding template actions (an ApplicationSet's `{{path.basename}}`)
            // is shown with its text, not the masking filler.
            match masked.as_ref().filter(|_| is_argo_root(&view.root)) {
                Some(_) => observe(&yaml::Document {
                    root: unmasked(&view.root, &scalar_text, &in_action),
                    ..view.clone()
                }),
                None => observe(view),
            }
            let mut sink = Sink {
                out: &mut out,
                annotations: &mut annotations,
                object_ranges: &mut object_ranges,
                names_chart: *names_chart,
            };
            let env = Embedding {
                settings: options.settings,
                document: doc.index,
            };
            let texts = (parse_text, text);
            check_document(view, &doc.root, &ctx, texts, &env, &mut sink, &scalar_text);
            if let Some(role) = options.helm_values {
                let key = role.key.as_str();
                if let Some(values) = crate::helm_apps::values_at(&view.root, key) {
                    let written = crate::helm_apps::values_at(&doc.root, key)
                        .filter(|w| w.span == values.span);
                    crate::helm_apps::check_values(
                        values, written, key, role, &ctx, doc.index, &mut out,
                    );
                }
            }
            if unresolved {
                out[doc_first..].iter_mut().for_each(|d| d.fix = None);
            }
            facts.add(view, &doc.root.span, aliased, &out[doc_first..]);
        }
    });
    facts.errors = errors.len();
    for err in &errors {
        let explained = masked
            .as_ref()
            .is_some_and(|m| m.explains_error(err.offset));
        out.push(rules::syntax_error::parse_error(text, err, explained));
    }
    // Findings that depend on the app graph: settled now, or left pending for the walk.
    if let GraphMode::Resolved(ctx) = options.graph {
        if out.iter().any(|d| d.pending.is_some()) {
            let stands = rules::graph::settle_in_place(ctx, &mut out);
            out = drop_settled(out, &stands, &mut object_ranges);
        }
    }
    let mut out = apply_suppressions(
        path,
        text,
        &options,
        out,
        annotations,
        object_ranges,
        directives.finish(),
    );
    // Fixes are offered in Go-templated and plain files only: the safety net re-parses
    // a fixed file with Go template masking.
    if masked
        .as_ref()
        .is_some_and(|m| m.syntax != template::Syntax::Go)
    {
        out.iter_mut().for_each(|d| d.fix = None);
    }
    // Offer only fixes that the safety net would accept.
    crate::safety::validate::validate_fixes(text, &facts, &mut out);
    out
}

/// Where the findings of a document's objects go.
struct Sink<'s> {
    out: &'s mut Vec<Diagnostic>,
    annotations: &'s mut Vec<Annotation>,
    /// Per object: the range of its diagnostics in `out`, and of its annotations.
    object_ranges: &'s mut Vec<(Range<usize>, Range<usize>)>,
    /// The file names the argocd-apps chart: Applications deploying it have their inline
    /// values checked.
    names_chart: bool,
}

/// Check `objs` with `ctx`; `layers` (innermost first) map what is found in a manifest
/// string to the file, `document` is the file's document.
fn check_objects(
    objs: &[objects::ArgoObject],
    ctx: &Context,
    sink: &mut Sink,
    layers: &[embedded::Layer],
    document: usize,
) {
    for obj in objs {
        let first = sink.out.len();
        rules::syntax_error::duplicate_keys(obj, ctx.masked.map(|m| &m.blocks), sink.out);
        rules::check_object(obj, ctx, sink.out);
        if sink.names_chart {
            crate::helm_inline::check_object(obj, ctx, sink.out);
        }
        let ann_start = sink.annotations.len();
        for (rule, span) in suppress::annotations(obj) {
            let span = layers.iter().fold(span, |s, l| l.span(&s));
            sink.annotations.push(Annotation {
                rule: rule.to_string(),
                span,
                used: false,
            });
        }
        for d in &mut sink.out[first..] {
            for layer in layers {
                embedded::map_diagnostic(layer, d, Some(document));
            }
        }
        sink.object_ranges
            .push((first..sink.out.len(), ann_start..sink.annotations.len()));
    }
}

/// Check the objects of a document (`view`, read as Kubernetes does; `written` its root as
/// written), nested ones and those of its manifest strings included. `texts`: the text
/// parsed and the file's text.
fn check_document(
    view: &yaml::Document,
    written: &yaml::Node,
    ctx: &Context,
    texts: (&str, &str),
    env: &Embedding,
    sink: &mut Sink,
    scalar_text: &dyn Fn(&yaml::Node) -> Option<String>,
) {
    // Nested objects and manifest strings only where the needle is, and not in a root
    // Application or ApplicationSet (only its Helm values may hold more).
    let root_kind = view.root.get("kind").and_then(yaml::Node::as_str);
    let deep = !matches!(root_kind, Some("Application" | "ApplicationSet"))
        && may_hold_argo(texts.1[written.span.clone()].as_bytes());
    let prefix = objects::Route::default();
    let found = objects::find_in_document(view, written, &prefix, deep, scalar_text);
    check_objects(&found.objects, ctx, sink, &[], env.document);
    check_strings(&found.strings, texts, &[], env, sink, 0);
}

/// What manifest strings of a document share.
struct Embedding<'e> {
    settings: &'e Settings,
    /// The file's document holding the strings.
    document: usize,
}

/// Check the Argo CD objects of manifest strings (`manifest: |`), found in `parent` (the
/// text their spans index, and the same before template masking) under `layers`
/// (innermost first, empty for the file).
fn check_strings(
    strings: &[objects::EmbeddedString],
    parent: (&str, &str),
    layers: &[embedded::Layer],
    env: &Embedding,
    sink: &mut Sink,
    depth: usize,
) {
    if depth >= embedded::MAX_DEPTH {
        return;
    }
    for s in strings {
        let Some(value) = s.node.as_str() else {
            continue;
        };
        if !embedded::manifest_is_whole(s.action) {
            continue;
        }
        let layer = embedded::Layer::of(parent.0, s.node);
        // (The same text unless template actions were masked: compared by address, not by
        // content, which would cost the whole file per string.)
        let content_owned = if std::ptr::eq(parent.0, parent.1) {
            value.to_string()
        } else {
            layer.original_content(parent.1, value)
        };
        let content = content_owned.as_str();
        let masked = template::has_actions(content)
            .then(|| template::mask(content))
            .flatten();
        let parse_text = masked.as_ref().map_or(content, |m| m.text.as_str());
        let parsed = yaml::parse(parse_text, content);
        if !parsed.errors.is_empty() {
            continue; // a string, not (or not only) a manifest
        }
        let mut inner = vec![layer];
        inner.extend(layers.iter().cloned());
        let facts = std::cell::OnceCell::new();
        let scalar_text = |node: &yaml::Node| -> Option<String> {
            let value = node.as_str()?;
            let in_action = masked
                .as_ref()
                .is_some_and(|m| m.actions_in(&node.span).next().is_some());
            Some(if in_action {
                content[node.span.clone()]
                    .trim_matches(['"', '\''])
                    .to_string()
            } else {
                value.to_string()
            })
        };
        for doc in &parsed.documents {
            let resolved = match doc.refs.then(|| yaml::resolve(&doc.root)) {
                None => None,
                Some(Ok(r)) => Some(yaml::Document {
                    index: doc.index,
                    root: r.root,
                    refs: false,
                }),
                Some(Err(_)) => continue,
            };
            let view = resolved.as_ref().unwrap_or(doc);
            let route = s.route.join(objects::Segment::Document(doc.index));
            let found = objects::find_in_document(view, &doc.root, &route, true, &scalar_text);
            let ctx = Context {
                text: content,
                masked: masked.as_ref(),
                document: &doc.root,
                settings: env.settings,
                facts: &facts,
                doc_layout: Default::default(),
                graph_facts: false,
            };
            check_objects(&found.objects, &ctx, sink, &inner, env.document);
            let parents = (parse_text, content);
            check_strings(&found.strings, parents, &inner, env, sink, depth + 1);
        }
    }
}

/// An `ignore.gitops-lint.dev/<rule>` annotation, and whether it suppressed something.
struct Annotation {
    rule: String,
    span: Span,
    used: bool,
}

/// Drop diagnostics of rules that are off, suppressed (comments, annotations) or ignored
/// for this path; report suppressions that suppressed nothing; apply severity overrides.
fn apply_suppressions(
    path: &str,
    text: &str,
    options: &FileOptions,
    diags: Vec<Diagnostic>,
    mut annotations: Vec<Annotation>,
    object_ranges: Vec<(Range<usize>, Range<usize>)>,
    directives: suppress::Directives,
) -> Vec<Diagnostic> {
    let (settings, graph) = (options.settings, options.graph);
    // Once per rule, not per diagnostic: per-path ignores match globs against the path.
    let memo = std::cell::RefCell::new(std::collections::HashMap::<String, bool>::new());
    let active = |rule: &str| {
        if let Some(&known) = memo.borrow().get(rule) {
            return known;
        }
        let is = rules::meta(rule).is_some_and(|m| settings.level(rule, m.severity).is_some())
            && !settings.ignored_for(path, rule);
        memo.borrow_mut().insert(rule.to_string(), is);
        is
    };
    let suppress::Directives {
        list: directives,
        malformed,
    } = directives;
    let lines = if directives.is_empty() {
        source::LineIndex::new("")
    } else {
        source::LineIndex::new(text)
    };
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.rules.len()])
        .collect();
    // Suppressions as numbered slots (comment rules, then annotations) matched only by
    // findings still pending on the app graph: those stay, marked, and the slot's
    // `unused-suppression` is pending on them ([`rules::graph::resolve`]).
    let first_slot: Vec<usize> = directives
        .iter()
        .scan(0, |n, d| {
            let first = *n;
            *n += d.rules.len();
            Some(first)
        })
        .collect();
    let slot_of = |di: usize, ri: usize| first_slot[di] + ri;
    let comment_slots: usize = directives.iter().map(|d| d.rules.len()).sum();
    let mut by_pending: std::collections::HashSet<usize> = Default::default();
    let mut kept = Vec::with_capacity(diags.len());
    let mut suppress_pending = |mut d: Diagnostic, slot: usize, kept: &mut Vec<Diagnostic>| {
        if let Some(Pending::Finding { suppressed, .. }) = d.pending.as_mut() {
            *suppressed = Some(slot);
            by_pending.insert(slot);
            kept.push(d);
            return true;
        }
        false
    };
    // (object, [(rule, its annotation)]) of the object last looked at.
    let mut found: (usize, Vec<(&str, Option<usize>)>) = (usize::MAX, Vec::new());
    for (i, d) in diags.into_iter().enumerate() {
        if !active(d.rule) {
            continue;
        }
        if let Some((di, ri)) = suppress::by_comment(&lines, &directives, &d) {
            if !suppress_pending(d, slot_of(di, ri), &mut kept) {
                used[di][ri] = true;
            }
            continue;
        }
        // Object ranges are in order and `i` only grows: the first range not ending
        // before `i` is the only candidate (a binary search keeps this linear overall).
        let at = object_ranges.partition_point(|(diags, _)| diags.end <= i);
        let object = object_ranges
            .get(at)
            .filter(|(diags, _)| diags.contains(&i));
        if let Some((_, anns)) = object {
            // The object's annotation for this rule, looked up once per object and rule
            // (an object may have many annotations and many findings, e.g. duplicate keys).
            if found.0 != at {
                found = (at, Vec::new());
            }
            let hit = match found.1.iter().find(|(rule, _)| *rule == d.rule) {
                Some(&(_, hit)) => hit,
                None => {
                    let hit = annotations[anns.clone()]
                        .iter()
                        .position(|a| a.rule == d.rule)
                        .map(|k| anns.start + k);
                    found.1.push((d.rule, hit));
                    hit
                }
            };
            if let Some(k) = hit {
                if !suppress_pending(d, comment_slots + k, &mut kept) {
                    annotations[k].used = true;
                }
                continue;
            }
        }
        kept.push(d);
    }
    // Suppressions that suppressed nothing, or cannot be read.
    let mut unused = Vec::new();
    let mut report = |rule: &str, span: Span, what: &str, slot: usize| {
        let known = rules::meta(rule).is_some();
        if known && !active(rule) {
            return; // off or ignored here: nothing to suppress by design
        }
        // A suppression of a graph finding is unused only as far as the graph tells: not
        // reported without one, and pending on it in the walk.
        let on_graph = rules::graph::depends_on_graph(rule);
        if on_graph && matches!(graph, GraphMode::Resolved(None)) {
            return;
        }
        let mut d = unused_diagnostic(suppress::unused(rule, known, span, what));
        if by_pending.contains(&slot) || (on_graph && matches!(graph, GraphMode::Deferred)) {
            d.pending = Some(Pending::UnusedSuppression { slot });
        }
        unused.push(d);
    };
    let mut slot = 0;
    for (d, flags) in directives.iter().zip(&used) {
        for ((rule, span), was_used) in d.rules.iter().zip(flags) {
            if !was_used && d.verified {
                report(rule, span.clone(), "suppression comment", slot);
            }
            slot += 1;
        }
    }
    for (k, a) in annotations.iter().enumerate() {
        if !a.used {
            report(
                &a.rule,
                a.span.clone(),
                "suppression annotation",
                comment_slots + k,
            );
        }
    }
    unused.extend(malformed.into_iter().map(unused_diagnostic));
    if active(UNUSED_SUPPRESSION) {
        kept.extend(unused);
    }
    for d in &mut kept {
        if let Some(level) = settings.level(d.rule, d.severity) {
            d.severity = level;
        }
    }
    let mut out = kept;
    out.sort_by(|a, b| (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule)));
    out
}

/// Whether a document's root is an `argoproj.io` object (one an observer may read).
fn is_argo_root(root: &yaml::Node) -> bool {
    root.get("apiVersion")
        .and_then(yaml::Node::as_str)
        .is_some_and(objects::is_argo_group)
}

/// A copy of `node` whose scalars holding template actions carry their text as written.
fn unmasked(
    node: &yaml::Node,
    scalar_text: &dyn Fn(&yaml::Node) -> Option<String>,
    in_action: &dyn Fn(&Span) -> bool,
) -> yaml::Node {
    use yaml::NodeKind;
    let kind = match &node.kind {
        NodeKind::Scalar { value, style } => NodeKind::Scalar {
            value: match in_action(&node.span) {
                true => scalar_text(node).map_or_else(|| value.clone(), yaml::Text::from),
                false => value.clone(),
            },
            style: *style,
        },
        NodeKind::Mapping { entries, flow } => NodeKind::Mapping {
            entries: entries
                .iter()
                .map(|e| yaml::Entry {
                    key: unmasked(&e.key, scalar_text, in_action),
                    value: unmasked(&e.value, scalar_text, in_action),
                })
                .collect(),
            flow: *flow,
        },
        NodeKind::Sequence { items, flow } => NodeKind::Sequence {
            items: items
                .iter()
                .map(|i| unmasked(i, scalar_text, in_action))
                .collect(),
            flow: *flow,
        },
        NodeKind::Alias => NodeKind::Alias,
    };
    yaml::Node {
        span: node.span.clone(),
        anchor: node.anchor,
        kind,
    }
}

/// `diags` without those that do not stand, and `object_ranges` (ranges of indices into
/// it) moved to match.
fn drop_settled(
    diags: Vec<Diagnostic>,
    stands: &[bool],
    object_ranges: &mut [(Range<usize>, Range<usize>)],
) -> Vec<Diagnostic> {
    // before[i]: how many of the first `i` diagnostics stand.
    let mut before = Vec::with_capacity(stands.len() + 1);
    before.push(0);
    for &s in stands {
        before.push(before.last().copied().unwrap_or(0) + usize::from(s));
    }
    for (range, _) in object_ranges.iter_mut() {
        *range = before[range.start]..before[range.end];
    }
    diags
        .into_iter()
        .zip(stands)
        .filter_map(|(d, &s)| s.then_some(d))
        .collect()
}

/// The `unused-suppression` diagnostic of a suppression problem.
fn unused_diagnostic(p: suppress::Problem) -> Diagnostic {
    rules::unused_suppression::diagnostic(p.span, p.message, p.label, p.help)
}
