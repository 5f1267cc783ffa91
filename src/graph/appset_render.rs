//! Rendering an ApplicationSet template string with one parameter set, best effort.
//!
//! - fasttemplate (the default): each `{{ key }}` (spaces trimmed) is replaced by the
//!   parameter `key` (`path.basename`, `path[0]`, `name`, `values.x`); Argo CD leaves an
//!   unknown tag as written.
//! - `goTemplate: true`: `{{ .a.b }}` (with `{{-` / `-}}` trim markers), `{{ index .a.b N }}`
//!   and a pipeline of `lower`, `upper`, `trim`, `normalize` (Argo CD's own function) are
//!   rendered; anything else (`if`, `default`, `printf`, variables) is not.
//!
//! [`render`] returns `None` when a tag cannot be rendered: the caller keeps the template
//! text and marks it.

use super::appset::Params;
use super::appset_params::normalize;

/// `template` rendered with `params`, or `None` if some tag cannot be.
pub fn render(template: &str, params: &Params, go: bool) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        let tag = &after[..close];
        let value = if go {
            go_tag(tag, params)?
        } else {
            params.get(tag.trim())?.clone()
        };
        out.push_str(&value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// One Go template action, without its braces.
fn go_tag(tag: &str, params: &Params) -> Option<String> {
    let tag = tag.strip_prefix('-').unwrap_or(tag);
    let tag = tag.strip_suffix('-').unwrap_or(tag).trim();
    let mut stages = tag.split('|').map(str::trim);
    let mut value = go_value(stages.next()?, params)?;
    for f in stages {
        value = match f {
            "lower" => value.to_lowercase(),
            "upper" => value.to_uppercase(),
            "trim" => value.trim().to_string(),
            "normalize" => normalize(&value),
            _ => return None,
        };
    }
    Some(value)
}

/// `.a.b` or `index .a.b N` (or `(index .a.b N)`).
fn go_value(expr: &str, params: &Params) -> Option<String> {
    let expr = expr.trim();
    let expr = expr
        .strip_prefix('(')
        .and_then(|e| e.strip_suffix(')'))
        .unwrap_or(expr)
        .trim();
    if let Some(args) = expr.strip_prefix("index ") {
        let mut words = args.split_whitespace();
        let field = words.next()?.strip_prefix('.')?;
        let at: usize = words.next()?.parse().ok()?;
        if words.next().is_some() {
            return None;
        }
        return params.get(&format!("{field}.{at}")).cloned();
    }
    let field = expr.strip_prefix('.')?;
    if field.is_empty() || field.contains(char::is_whitespace) {
        return None;
    }
    params.get(field).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fasttemplate_table() {
        let p = params(&[
            ("path", "apps/guest-book"),
            ("path.basename", "guest-book"),
            ("path[0]", "apps"),
            ("name", "in-cluster"),
        ]);
        let cases: &[(&str, Option<&str>)] = &[
            ("{{path.basename}}", Some("guest-book")),
            ("{{ path.basename }}-app", Some("guest-book-app")),
            ("{{path[0]}}/{{name}}", Some("apps/in-cluster")),
            ("{{path}}", Some("apps/guest-book")),
            ("plain", Some("plain")),
            ("{{missing}}", None),
            ("{{path.basename", None),
            ("{{.path.basename}}", None),
        ];
        for (t, want) in cases {
            assert_eq!(render(t, &p, false).as_deref(), *want, "{t}");
        }
    }

    #[test]
    fn go_template_table() {
        let p = params(&[
            ("path.path", "apps/Guest_Book"),
            ("path.basename", "Guest_Book"),
            ("path.segments.0", "apps"),
            ("name", "prod"),
        ]);
        let cases: &[(&str, Option<&str>)] = &[
            ("{{.path.basename}}", Some("Guest_Book")),
            (
                "{{ .name }}-{{ .path.basename | lower }}",
                Some("prod-guest_book"),
            ),
            ("{{- .name -}}", Some("prod")),
            ("{{ index .path.segments 0 }}", Some("apps")),
            ("{{ .path.basename | normalize }}", Some("guest-book")),
            ("{{ .path.path }}", Some("apps/Guest_Book")),
            ("{{ .missing }}", None),
            ("{{ if .name }}x{{ end }}", None),
            ("{{ .name | default \"x\" }}", None),
            ("{{path.basename}}", None),
        ];
        for (t, want) in cases {
            assert_eq!(render(t, &p, true).as_deref(), *want, "{t}");
        }
    }
}
