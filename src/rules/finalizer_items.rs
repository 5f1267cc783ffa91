//! The finalizer lists of an object that the finalizer-string rules look at.

use crate::objects::{ArgoKind, ArgoObject};
use crate::yaml::Node;

/// A scalar item of a finalizer list.
pub struct Item<'a> {
    /// Route to the item, e.g. `metadata.finalizers[1]`.
    pub route: String,
    pub list: &'a Node,
    pub node: &'a Node,
    pub value: &'a str,
}

/// Every scalar item of the object's finalizer lists: an Application's
/// `metadata.finalizers`; an ApplicationSet's template finalizers and its own
/// `metadata.finalizers`.
pub fn items<'a>(obj: &ArgoObject<'a>, field: &str) -> Vec<Item<'a>> {
    let own = obj.kind == ArgoKind::ApplicationSet && field != "metadata.finalizers";
    let routes = [Some(field), own.then_some("metadata.finalizers")];
    let mut out = Vec::new();
    for route in routes.into_iter().flatten() {
        if let Some(list) = obj.node.at(route) {
            for (i, item) in list.items().iter().enumerate() {
                if let Some(value) = item.as_str() {
                    out.push(Item {
                        route: obj.route_to(&format!("{route}[{i}]")),
                        list,
                        node: item,
                        value,
                    });
                }
            }
        }
    }
    out
}
