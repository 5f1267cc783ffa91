//! The autofix round-trip property, shared by the fuzz target `fix_roundtrip` and the
//! regression tests: for a text that parses, every single fix gives text that parses; the
//! whole fix gives text that parses to the same data plus the cascade finalizer in the
//! fixed objects; and a second fix is a no-op.

use crate::yaml::{self, Entry, Node, NodeKind};

/// A node's data without spans or styles.
pub fn value(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { value, .. } => format!("{value:?}"),
        NodeKind::Alias => "*".into(),
        NodeKind::Sequence { items, .. } => {
            format!(
                "[{}]",
                items.iter().map(value).collect::<Vec<_>>().join(",")
            )
        }
        NodeKind::Mapping { entries, .. } => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{}:{}", value(&e.key), value(&e.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

const CASCADE: &str = "resources-finalizer.argocd.argoproj.io";

fn is_cascade_list(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Sequence { items, .. }
        if items.len() == 1 && items[0].as_str() == Some(CASCADE))
}

/// `after` is `before` with, at most, the cascade finalizer added: appended to a list,
/// put in place of an empty value, or as a new `finalizers` (or `metadata`) key.
pub fn same_but_finalizer(before: &Node, after: &Node) -> bool {
    match (&before.kind, &after.kind) {
        (NodeKind::Mapping { entries: b, .. }, NodeKind::Mapping { entries: a, .. }) => {
            // `a` is `b`'s entries in order, with added finalizers/metadata keys among them.
            let mut rest = b.iter().peekable();
            for x in a {
                if let Some(e) = rest.peek() {
                    if value(&e.key) == value(&x.key) {
                        let repeats_removed = x.key.as_str() == Some("finalizers")
                            && deduplicated(&e.value, &x.value);
                        let same = match x.key.as_str() {
                            Some("helm") => same_helm(&e.value, &x.value),
                            _ => same_but_finalizer(&e.value, &x.value),
                        };
                        if !repeats_removed && !same {
                            return false;
                        }
                        rest.next();
                        continue;
                    }
                }
                let added = match x.key.as_str() {
                    Some("finalizers") => is_cascade_list(&x.value),
                    Some("metadata") => {
                        x.value.entries().len() == 1
                            && x.value.get("finalizers").is_some_and(is_cascade_list)
                    }
                    _ => false,
                };
                if !added {
                    return false;
                }
            }
            rest.next().is_none()
        }
        (NodeKind::Sequence { items: b, .. }, NodeKind::Sequence { items: a, .. }) => {
            let same = |n: usize| {
                b.iter()
                    .zip(a)
                    .take(n)
                    .all(|(x, y)| same_but_finalizer(x, y))
            };
            (a.len() == b.len() && same(b.len()))
                || (a.len() == b.len() + 1 && same(b.len()) && a[b.len()].as_str() == Some(CASCADE))
        }
        // `finalizers: ~` → `[cascade]`; `metadata:` (empty) → `{finalizers: [cascade]}`.
        _ if before.is_null() => {
            is_cascade_list(after)
                || (after.entries().len() == 1
                    && after.get("finalizers").is_some_and(is_cascade_list))
                || value(before) == value(after)
        }
        (
            NodeKind::Scalar {
                value: b,
                style: sb,
            },
            NodeKind::Scalar {
                value: a,
                style: sa,
            },
        ) if b != a => match (manifest_documents(b, *sb), manifest_documents(a, *sa)) {
            (Some(b), Some(a)) => {
                b.len() == a.len() && b.iter().zip(&a).all(|(b, a)| same_but_finalizer(b, a))
            }
            _ => false,
        },
        _ => value(before) == value(after),
    }
}

/// The documents (as Kubernetes reads them) of a literal block scalar that holds an Argo
/// CD object, the strings whose content fixes may edit; `None` for any other string.
pub fn manifest_documents(value: &str, style: yaml::Style) -> Option<Vec<Node>> {
    if style != yaml::Style::Literal || !crate::objects::may_be_manifest(value, style) {
        return None;
    }
    let parsed = parse_as_linted(value);
    if !parsed.errors.is_empty() {
        return None;
    }
    let holds_object = parsed.documents.iter().any(|d| {
        let root = resolved_root(d);
        let doc = yaml::Document {
            index: d.index,
            root: root.into_owned(),
            refs: false,
        };
        let found =
            crate::objects::find_in_document(&doc, &doc.root, &Default::default(), true, &|n| {
                n.as_str().map(str::to_string)
            });
        !found.objects.is_empty() || !found.strings.is_empty()
    });
    holds_object.then(|| {
        parsed
            .documents
            .iter()
            .map(|d| resolved_root(d).into_owned())
            .collect()
    })
}

/// A `helm` mapping whose `values` string (argocd-apps values, see
/// [`crate::helm_apps`]) may have gained finalizers: compared as the data it parses to.
fn same_helm(before: &Node, after: &Node) -> bool {
    let (b, a) = (before.entries(), after.entries());
    if !before.is_mapping() || !after.is_mapping() || a.len() != b.len() {
        return same_but_finalizer(before, after);
    }
    b.iter().zip(a).all(|(e, x)| {
        value(&e.key) == value(&x.key)
            && match (e.key.as_str(), values_data(&e.value), values_data(&x.value)) {
                (Some("values"), Some(vb), Some(va)) => same_but_finalizer(&vb, &va),
                _ => same_but_finalizer(&e.value, &x.value),
            }
    })
}

/// The data of a `helm.values` string holding argocd-apps values: one YAML document, no
/// template action (aliases and merge keys resolved).
fn values_data(n: &Node) -> Option<Node> {
    let text = n.as_str()?;
    if !text.contains("applications") || text.contains("{{") {
        return None;
    }
    let parsed = yaml::parse(text, text);
    match (parsed.errors.is_empty(), parsed.documents.as_slice()) {
        (true, [doc]) => Some(resolved_root(doc).into_owned()),
        _ => None,
    }
}

/// `text` parsed as `lint_text` parses it (template actions masked).
pub fn parse_as_linted(text: &str) -> yaml::ParseOutput {
    let masked = if crate::template::has_actions(text) {
        crate::template::mask(text)
    } else {
        None
    };
    yaml::parse(masked.as_ref().map_or(text, |m| m.text.as_str()), text)
}

/// [`parse_as_linted`] one document at a time (none is kept); returns the syntax errors.
pub fn parse_each_as_linted(
    text: &str,
    on_document: &mut dyn FnMut(yaml::Document),
) -> Vec<yaml::SyntaxError> {
    let masked = if crate::template::has_actions(text) {
        crate::template::mask(text)
    } else {
        None
    };
    yaml::parse_each(
        masked.as_ref().map_or(text, |m| m.text.as_str()),
        text,
        on_document,
    )
}

/// Each document's index and data [`fingerprint`] (aliases and merge keys resolved), and
/// the number of syntax errors: what the safety net compares before and after a fix pass.
/// Parsed one document at a time.
pub fn data_fingerprints(text: &str) -> (Vec<(usize, u64)>, usize) {
    let (docs, errors) = data_facts(text);
    (docs.iter().map(|&(i, f, _)| (i, f)).collect(), errors)
}

/// [`data_fingerprints`] with each document's [`duplicate_finalizers`] count.
pub fn data_facts(text: &str) -> (Vec<(usize, u64, usize)>, usize) {
    let mut docs = Vec::new();
    let errors = parse_each_as_linted(text, &mut |d| {
        let root = resolved_root(&d);
        docs.push((d.index, fingerprint(&root), duplicate_finalizers(&root)));
    });
    (docs, errors.len())
}

/// Items of `finalizers` lists anywhere under `n` whose string an earlier item of the same
/// list already holds. The fingerprint leaves finalizer strings out, so this is what keeps
/// a fix from listing a finalizer twice (a fix may remove a repeated item, never add one).
pub fn duplicate_finalizers(n: &Node) -> usize {
    let mut count = 0;
    let mut stack = vec![n];
    while let Some(node) = stack.pop() {
        for e in node.entries() {
            if e.key.as_str() == Some("finalizers") {
                let mut seen = std::collections::HashSet::new();
                count += e
                    .value
                    .items()
                    .iter()
                    .filter_map(Node::as_str)
                    .filter(|s| !seen.insert(*s))
                    .count();
            }
            stack.push(&e.value);
        }
        stack.extend(node.items());
    }
    count
}

/// Whether the finalizer list `after` is `before` with some repeated items removed (what
/// `duplicate-finalizer` removes: a later copy of a string item, not null, not anchored;
/// any number of them, as a removal may be declined), and maybe the cascade finalizer added
/// at the end when `before` lacks it. Everything else stays, in order.
fn deduplicated(before: &Node, after: &Node) -> bool {
    let (NodeKind::Sequence { items: b, .. }, NodeKind::Sequence { items: a, .. }) =
        (&before.kind, &after.kind)
    else {
        return false;
    };
    let cascade = format!("{CASCADE:?}");
    let b_values: Vec<String> = b.iter().map(value).collect();
    let mut a_values: Vec<String> = a.iter().map(value).collect();
    if a_values.last() == Some(&cascade) && !b_values.contains(&cascade) {
        a_values.pop();
    }
    let string = |n: &Node| matches!(n.kind, NodeKind::Scalar { .. }) && !n.is_null();
    let mut seen = std::collections::HashSet::new();
    let mut kept = 0;
    for (n, v) in b.iter().zip(&b_values) {
        if a_values.get(kept) == Some(v) {
            kept += 1;
            if string(n) {
                seen.insert(v.as_str());
            }
        } else if !(string(n) && n.anchor == 0 && seen.contains(v.as_str())) {
            return false;
        }
    }
    kept == a_values.len()
}

/// A document's root as Kubernetes reads it (aliases and merge keys resolved), or as
/// written when it cannot be resolved.
pub fn resolved_root(doc: &yaml::Document) -> std::borrow::Cow<'_, Node> {
    if !doc.refs {
        return std::borrow::Cow::Borrowed(&doc.root);
    }
    match yaml::resolve(&doc.root) {
        Ok(r) => std::borrow::Cow::Owned(r.root),
        Err(_) => std::borrow::Cow::Borrowed(&doc.root),
    }
}

/// A hash of a node's data with finalizer lists left out, so that fixes (which touch only
/// them) keep it: a `finalizers` entry whose value is null or a list of scalars counts as
/// absent, another list is hashed by its non-scalar items only, and a `metadata` that holds
/// nothing else counts as absent. Taken once per document with a fix while it is linted,
/// so that validating the fixes needs only the fixed text parsed.
pub fn fingerprint(n: &Node) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_data(n, &mut h);
    h.finish()
}

fn hash_data(n: &Node, h: &mut impl std::hash::Hasher) {
    hash_node(n, h, false)
}

/// `helm`: `n` is the value of a `helm` key, whose `values` string is hashed as the data
/// it parses to when it holds argocd-apps values (a fix may add finalizers to its entries).
fn hash_node(n: &Node, h: &mut impl std::hash::Hasher, helm: bool) {
    use std::hash::Hash;
    match &n.kind {
        NodeKind::Scalar { value, style } => match manifest_documents(value, *style) {
            // A manifest in a literal block: its data, so that a finalizer added inside
            // it keeps the hash (and nothing else may change there either).
            Some(docs) => {
                (6u8, docs.len()).hash(h);
                docs.iter().for_each(|d| hash_data(d, h));
                // Its comment lines too: data equal, the text's comments kept.
                value
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with('#'))
                    .for_each(|l| l.hash(h));
            }
            None => (0u8, value).hash(h),
        },
        NodeKind::Alias => 1u8.hash(h),
        NodeKind::Sequence { items, .. } => {
            (2u8, items.len()).hash(h);
            items.iter().for_each(|i| hash_data(i, h));
        }
        NodeKind::Mapping { entries, .. } => {
            3u8.hash(h);
            for e in entries.iter().filter(|e| !omitted(e)) {
                hash_data(&e.key, h);
                if e.key.as_str() == Some("finalizers")
                    && matches!(e.value.kind, NodeKind::Sequence { .. })
                {
                    // A list: only its non-scalar items.
                    4u8.hash(h);
                    for i in e.value.items() {
                        if !matches!(i.kind, NodeKind::Scalar { .. }) {
                            hash_data(i, h);
                        }
                    }
                } else if let Some(data) = (helm && e.key.as_str() == Some("values"))
                    .then(|| values_data(&e.value))
                    .flatten()
                {
                    6u8.hash(h);
                    hash_data(&data, h);
                } else {
                    hash_node(&e.value, h, e.key.as_str() == Some("helm"));
                }
            }
            5u8.hash(h);
        }
    }
}

/// An entry that fixes may add or fill: `finalizers` (null, or a list of scalars) and a
/// `metadata` (null, or holding only such a `finalizers`); `unpruned-children`'s
/// `prune: true|false`, and an `automated` or `syncPolicy` (null, or holding only what
/// counts as absent).
fn omitted(e: &Entry) -> bool {
    let only_omitted =
        |v: &Node| v.is_null() || (v.is_mapping() && v.entries().iter().all(omitted));
    match e.key.as_str() {
        Some("finalizers") => e.value.is_null() || is_scalar_list(&e.value),
        Some("metadata" | "automated" | "syncPolicy") => only_omitted(&e.value),
        Some("prune") => e
            .value
            .as_str()
            .is_some_and(|v| matches!(v, "true" | "false")),
        _ => false,
    }
}

/// A list of scalars (what a finalizer list holds).
fn is_scalar_list(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Sequence { items, .. }
        if items.iter().all(|i| matches!(i.kind, NodeKind::Scalar { .. })))
}
