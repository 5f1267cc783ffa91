//! Two app graphs compared by identity, and what each difference does in the cluster
//! (DOMAIN §7): a parent that prunes deletes a child whose manifest leaves its source; a
//! deleted Application deletes its resources only with a cascade finalizer, and those
//! resources include its child Applications; an ApplicationSet deletes the Applications
//! it no longer generates (unless `applicationsSync` keeps them).

use super::fate::{deletes, Fate, Why};
use super::identity::Identities;
use super::model::{AppRef, Change, ChangeKind, Level};
use super::words::templated;
use super::words::{added, maybe_rendered, policy_changes, renamed, stays, subtree_words};
use crate::graph::{AppKind, Cascade, Graph, Match, Node, NodeId};
use crate::session::parent_of;
use std::collections::{HashMap, HashSet};

/// Every change from `base` to `head`, most severe first.
pub fn changes<'g>(base: &'g Graph, head: &'g Graph) -> Vec<Change> {
    let (base_side, head_side) = Identities::of(base, head);
    let gone: Vec<NodeId> = (0..base.nodes.len())
        .filter(|&b| base_side.first[b] && base_side.other[b].is_none())
        .collect();
    let new: Vec<NodeId> = (0..head.nodes.len())
        .filter(|&h| head_side.first[h] && head_side.other[h].is_none())
        .collect();
    // The head's templated objects by kind and directory (a chart's templates).
    let rendered_in: HashMap<(AppKind, &str), &str> = head
        .nodes
        .iter()
        .filter(|n| templated(&n.name))
        .map(|n| ((n.kind, parent_of(&n.file)), n.file.as_str()))
        .collect();
    let sides = Sides {
        base,
        head,
        head_of: &base_side.other,
        first_in_base: &base_side.first,
        rendered_in: &rendered_in,
    };
    let fates = sides.fates();
    let renames = renames(base, head, &gone, &new);
    let renamed_to: HashMap<NodeId, NodeId> = renames.iter().copied().collect();
    let renamed_from: HashSet<NodeId> = renames.iter().map(|&(_, h)| h).collect();
    let mut out = Vec::new();
    for &b in &gone {
        // The Applications that go with a deleted parent are counted under it.
        if fates.get(&b) == Some(&Fate::WithParent) {
            continue;
        }
        out.push(sides.removal(b, &fates, renamed_to.get(&b).copied()));
    }
    for &h in new.iter().filter(|h| !renamed_from.contains(h)) {
        let node = &head.nodes[h];
        out.push(Change {
            level: Level::Info,
            kind: ChangeKind::Added,
            app: AppRef::of(node),
            previous: None,
            message: added(node),
            deleted_below: Vec::new(),
            base_side: false,
        });
    }
    for (b, h) in sides.kept() {
        sides.modified(b, h, &fates, &mut out);
    }
    out.sort_by(|a, b| {
        let place = |c: &Change| (c.app.file.clone(), c.app.line, c.app.name.clone());
        b.level.cmp(&a.level).then_with(|| place(a).cmp(&place(b)))
    });
    out
}

struct Sides<'a> {
    base: &'a Graph,
    head: &'a Graph,
    /// The head node of each base node, when the object is still there.
    head_of: &'a [Option<NodeId>],
    first_in_base: &'a [bool],
    /// The head's templated objects: the file of one by kind and directory.
    rendered_in: &'a HashMap<(AppKind, &'a str), &'a str>,
}

impl Sides<'_> {
    /// The head node of a base node, when the object is still there.
    fn head_of(&self, b: NodeId) -> Option<NodeId> {
        self.head_of[b]
    }

    /// The base nodes still in head, with their head node.
    fn kept(&self) -> Vec<(NodeId, NodeId)> {
        (0..self.base.nodes.len())
            .filter(|&b| self.first_in_base[b])
            .filter_map(|b| Some((b, self.head_of(b)?)))
            .collect()
    }

    /// Whether `parent` (base) still syncs `child` (base) in head.
    fn still_synced_by(&self, parent: NodeId, child: NodeId) -> bool {
        let (Some(p), Some(c)) = (self.head_of(parent), self.head_of(child)) else {
            return false;
        };
        self.head.parents(c).any(|e| e.parent == p)
    }

    /// The fate of every base object the change touches: gone from head, or no longer
    /// synced by a parent that prunes; then everything a deleted cascading parent takes.
    fn fates(&self) -> HashMap<NodeId, Fate> {
        let mut fates = HashMap::new();
        for b in 0..self.base.nodes.len() {
            if let Some(fate) = self.own_fate(b) {
                fates.insert(b, fate);
            }
        }
        // A deleted parent with a cascade finalizer deletes its child Applications.
        let mut todo: Vec<NodeId> = fates
            .iter()
            .filter(|(_, f)| deletes(f))
            .map(|(&b, _)| b)
            .collect();
        while let Some(parent) = todo.pop() {
            let node = &self.base.nodes[parent];
            let set = node.kind == AppKind::ApplicationSet;
            for edge in self.base.children(parent) {
                let child = edge.child;
                if matches!(fates.get(&child), Some(f) if deletes(f)) {
                    continue;
                }
                // An ApplicationSet's Applications go with it (owner references); an
                // Application's children, when it cascades and they do not opt out.
                let taken = match edge.via {
                    Match::Generator => set,
                    _ => node.cascade == Cascade::Yes && !self.base.nodes[child].keeps_on_delete,
                };
                if taken {
                    fates.insert(child, Fate::WithParent);
                    todo.push(child);
                }
            }
        }
        fates
    }

    /// What the change itself does to base object `b` (`None`: untouched).
    fn own_fate(&self, b: NodeId) -> Option<Fate> {
        let node = &self.base.nodes[b];
        let gone = self.head_of(b).is_none();
        if let Some(generated) = node.generated {
            let set = generated.by;
            if !gone {
                return None;
            }
            let keeps = self.base.nodes[set]
                .appset
                .as_ref()
                .is_some_and(|s| s.keeps_removed);
            return Some(match self.head_of(set) {
                Some(_) if keeps => Fate::Stays(Why::AppSetKeeps(set)),
                Some(_) => Fate::Ungenerated(set),
                // The ApplicationSet itself is gone: its own fate decides (below: when it
                // is deleted, its Applications go with it).
                None => Fate::Stays(Why::SetStays(set)),
            });
        }
        let parents: Vec<NodeId> = self
            .base
            .parents(b)
            .filter(|e| e.via != Match::Generator)
            .map(|e| e.parent)
            .collect();
        let lost: Vec<NodeId> = parents
            .iter()
            .copied()
            .filter(|&p| self.head_of(p).is_some() && !self.still_synced_by(p, b))
            .collect();
        if !gone && lost.is_empty() {
            return None;
        }
        if let Some(&pruner) = lost.iter().find(|&&p| self.base.nodes[p].prune) {
            if !node.keeps_on_prune {
                return Some(Fate::Pruned(pruner));
            }
        }
        if !gone {
            // Left a parent that does not prune (or opted out): nothing changes for it.
            return None;
        }
        Some(Fate::Stays(match () {
            _ if lost.is_empty() && parents.is_empty() => Why::NoParent,
            _ if node.keeps_on_prune && lost.iter().any(|&p| self.base.nodes[p].prune) => {
                Why::KeepsOnPrune
            }
            _ if lost.is_empty() => Why::NoParent,
            _ => Why::NoPrune(lost),
        }))
    }

    /// The change for a base object gone from head (`to`: the head object it was renamed
    /// to).
    fn removal(&self, b: NodeId, fates: &HashMap<NodeId, Fate>, to: Option<NodeId>) -> Change {
        let node = &self.base.nodes[b];
        let fate = fates.get(&b).cloned().unwrap_or(Fate::Stays(Why::NoParent));
        let subtree = self.subtree(b, fates);
        let below = self.refs(&subtree);
        let mut change = Change {
            level: Level::Change,
            kind: ChangeKind::Removed,
            app: AppRef::of(node),
            previous: None,
            message: String::new(),
            deleted_below: below,
            base_side: true,
        };
        let what = format!("{} `{}`", node.kind.name(), node.name);
        let (level, consequence) = match &fate {
            Fate::Stays(why) => (Level::Change, stays(self.base, &what, why)),
            fate => self.deletion(node, &what, fate, &change.deleted_below),
        };
        change.level = level;
        change.message = consequence;
        let rendered = self.rendered_in.get(&(node.kind, parent_of(&node.file)));
        if let Some(file) = rendered.filter(|_| to.is_none() && !templated(&node.name)) {
            change.message.push_str(&maybe_rendered(node.kind, file));
        }
        if let Some(h) = to {
            let new = &self.head.nodes[h];
            change.kind = ChangeKind::Renamed;
            change.previous = Some(change.app.clone());
            change.app = AppRef::of(new);
            change.base_side = false;
            // A renamed parent syncs the Applications below it again: created again.
            let recreated = subtree
                .iter()
                .filter(|&&c| self.head_of(c).is_some())
                .count();
            let below = &change.deleted_below;
            change.message = renamed((node, new), &fate, change.message, below, recreated);
        }
        change
    }

    /// The level and line of a deletion (`fate` deletes).
    fn deletion(
        &self,
        node: &Node,
        what: &str,
        fate: &Fate,
        below: &[(AppRef, bool)],
    ) -> (Level, String) {
        let by = match fate {
            Fate::Pruned(p) => format!(" (`{}` prunes it)", self.base.nodes[*p].name),
            Fate::Ungenerated(s) => format!(
                " (ApplicationSet `{}` no longer generates it)",
                self.base.nodes[*s].name
            ),
            _ => String::new(),
        };
        let subtree = subtree_words(below);
        match node.cascade {
            Cascade::Yes => (
                Level::Delete,
                format!("deletes {what}{by} and, by its cascade finalizer, every resource it manages{subtree}"),
            ),
            Cascade::No => (
                Level::Orphan,
                format!("deletes {what}{by} and leaves every resource it managed running, unmanaged (no cascade finalizer)"),
            ),
            Cascade::Unknown => (
                Level::Orphan,
                format!("deletes {what}{by}; whether its resources go cannot be told (its finalizers are templated)"),
            ),
        }
    }

    /// The base objects a deleted object takes with it, in walk order.
    fn subtree(&self, b: NodeId, fates: &HashMap<NodeId, Fate>) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut seen = HashSet::from([b]);
        let mut todo = vec![b];
        while let Some(parent) = todo.pop() {
            for edge in self.base.children(parent) {
                let child = edge.child;
                if fates.get(&child) == Some(&Fate::WithParent) && seen.insert(child) {
                    out.push(child);
                    todo.push(child);
                }
            }
        }
        out
    }

    /// The Applications a deleted object takes with it (its subtree), in base order.
    fn deleted_below(&self, b: NodeId, fates: &HashMap<NodeId, Fate>) -> Vec<(AppRef, bool)> {
        self.refs(&self.subtree(b, fates))
    }

    /// Base objects as the plan names them, with whether they cascade.
    fn refs(&self, ids: &[NodeId]) -> Vec<(AppRef, bool)> {
        let of = |&c: &NodeId| {
            let node = &self.base.nodes[c];
            (AppRef::of(node), node.cascade == Cascade::Yes)
        };
        ids.iter().map(of).collect()
    }

    /// The changes of an object in both graphs (`b` base, `h` head).
    fn modified(&self, b: NodeId, h: NodeId, fates: &HashMap<NodeId, Fate>, out: &mut Vec<Change>) {
        let (old, new) = (&self.base.nodes[b], &self.head.nodes[h]);
        let what = format!("{} `{}`", new.kind.name(), new.name);
        // (Deleted with a deleted parent: counted under that parent.)
        if let Some(fate) = fates
            .get(&b)
            .filter(|f| deletes(f) && **f != Fate::WithParent)
        {
            let below = self.deleted_below(b, fates);
            let (level, line) = self.deletion(old, &what, fate, &below);
            let again = match self.head.parents(h).next() {
                Some(e) => format!(
                    "; `{}` then creates it again",
                    self.head.nodes[e.parent].name
                ),
                None => String::new(),
            };
            out.push(Change {
                level,
                kind: ChangeKind::LeftParent,
                app: AppRef::of(new),
                previous: None,
                message: format!("{line}{again}"),
                deleted_below: below,
                base_side: false,
            });
        }
        let mut push = |level, kind, message: String| {
            out.push(Change {
                level,
                kind,
                app: AppRef::of(new),
                previous: None,
                message,
                deleted_below: Vec::new(),
                base_side: false,
            })
        };
        policy_changes(old, new, &what, &mut push);
    }
}

/// Pairs (base, head) of a removed and an added object that are one renamed: the same
/// kind, and the same file and document, or else the same sources.
fn renames(base: &Graph, head: &Graph, gone: &[NodeId], new: &[NodeId]) -> Vec<(NodeId, NodeId)> {
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    let same_place = |b: &Node, h: &Node| b.file == h.file && b.document == h.document;
    let same_sources = |b: &Node, h: &Node| !b.sources.is_empty() && b.sources == h.sources;
    for test in [&same_place as &dyn Fn(&Node, &Node) -> bool, &same_sources] {
        for &b in gone {
            if out.iter().any(|&(x, _)| x == b) {
                continue;
            }
            let old = &base.nodes[b];
            if let Some(&h) = new.iter().find(|&&h| {
                let n = &head.nodes[h];
                !taken.contains(&h)
                    && n.kind == old.kind
                    && n.generated.is_none() == old.generated.is_none()
                    && test(old, n)
            }) {
                taken.insert(h);
                out.push((b, h));
            }
        }
    }
    out
}
