use gitops_lint::yaml::{self, Node, NodeKind};

fn dump(text: &str, n: &Node, depth: usize) {
    let s = &text[n.span.clone()];
    match &n.kind {
        NodeKind::Scalar { value, style } => println!("{:w$}S {:?} {:?} {:?} {:?}", "", n.span, style, value, s, w = depth * 2),
        NodeKind::Mapping { entries, flow } => {
            println!("{:w$}M flow={} {:?} {:?}", "", flow, n.span, s, w = depth * 2);
            for e in entries { dump(text, &e.key, depth + 1); dump(text, &e.value, depth + 2); }
        }
        NodeKind::Sequence { items, flow } => {
            println!("{:w$}Q flow={} {:?} {:?}", "", flow, n.span, s, w = depth * 2);
            for i in items { dump(text, i, depth + 1); }
        }
        NodeKind::Alias => println!("{:w$}A {:?} {:?}", "", n.span, s, w = depth * 2),
    }
}

#[test]
fn explore() {
    for text in [
        "\u{feff}# 说明：注释\r\napiVersion: argoproj.io/v1alpha1\r\nkind: \"Application\"\r\nmetadata:\r\n  name: 你好-app 🎉   # c 🎉\r\n  finalizers:\r\n  - 'a 好'\r\n  -   b\r\nspec:\r\n  x: |\r\n    lit\r\n    more\r\n  y: >-\r\n    f\r\n  z:\r\n  w: plain\r\n    multi\r\n",
        "a: 1\n...\n---\nb: [x, {y: z}]\n--- \n- c\n- d",
        "a:\n  finalizers:\n    - x\n    - y\n  z: 1\n",
        "\u{feff}---\r\n# 说明\r\na: [b\r\n---\r\n# 你好 🎉\r\nkind: 好\r\n---\r\nc: d\r\n",
        "---\n---\nk: v\n...\n# x\n...\n---\nz: 1\n",
        "--- !tag\nk: &a v\nl: *a\n? complex\n: v\n\"q\": 'r'\n",
    ] {
        let p = yaml::parse(text, text);
        println!("errors {:?}", p.errors);
        for d in &p.documents { println!("doc {}", d.index); dump(text, &d.root, 1); }
    }
}
