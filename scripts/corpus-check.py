#!/usr/bin/env python3
"""Compare gitops-lint's findings on the real-world corpus with its ground truth.

Usage: scripts/corpus-check.py [--bin PATH] [--corpus DIR]

The corpus lives outside this repository (../shared/corpus by default). When it is absent
the check is skipped (exit 0). Otherwise it runs `gitops-lint lint --format json` over the
corpus, compares the `missing-finalizer` findings with EXPECTED.tsv and prints recall and
false positives; it exits 1 on any missed should-flag Application, any false positive, a
`syntax-error` in a file the ground truth parsed, or an exit code other than 1.

Should-flag (corpus/README.md): kind Application, has_finalizer = no, and none of the
flags kustomize-patch, patch-delete, no-spec, live-object, finalizers-templated.
"""
import argparse
import json
import os
import subprocess
import sys

EXCLUDING_FLAGS = {"kustomize-patch", "patch-delete", "no-spec", "live-object", "finalizers-templated"}


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "gitops-lint"))
    ap.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus"))
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)

    corpus = os.path.abspath(args.corpus)
    expected_path = os.path.join(corpus, "EXPECTED.tsv")
    if not os.path.isfile(expected_path):
        print(f"corpus-check: skipped ({expected_path} not found)")
        return 0
    if not os.access(args.bin, os.X_OK):
        print(f"corpus-check: binary {args.bin} not found; build it first (cargo build --release)")
        return 2

    rows = {}
    should = set()
    live = set()
    ok_parse_files = set()
    with open(expected_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            path, doc, kind, name, has_fin, note, flags = (line.rstrip("\n").split("\t") + [""] * 7)[:7]
            key = (path, int(doc))
            flagset = set(x for x in flags.split(",") if x and x != "-")
            rows[key] = (kind, name, has_fin, note, flagset)
            if note == "ok":
                ok_parse_files.add(path)
            if "live-object" in flagset:
                live.add(key)
            if kind == "Application" and has_fin == "no" and not (flagset & EXCLUDING_FLAGS):
                should.add(key)

    proc = subprocess.run(
        [args.bin, "lint", ".", "--format", "json", "--no-ignore"],
        cwd=corpus, capture_output=True, text=True,
    )
    if proc.returncode not in (0, 1):
        print(f"corpus-check: gitops-lint exited {proc.returncode}\n{proc.stderr}")
        return 1
    out = json.loads(proc.stdout)
    found = {}
    syntax_in_ok = []
    by_rule = {}
    for d in out["diagnostics"]:
        by_rule[d["rule"]] = by_rule.get(d["rule"], 0) + 1
        if d["rule"] == "missing-finalizer":
            found[(d["path"], d["document"])] = d
        if d["rule"] == "syntax-error" and d["path"] in ok_parse_files:
            syntax_in_ok.append(f'{d["path"]}:{d["start"]["line"]}: {d["message"]}')

    hits = should & found.keys()
    missed = sorted(should - found.keys())
    false_pos = sorted(k for k in found.keys() - should if k not in live)
    print(f"corpus: {out['summary']['files_scanned']} files scanned, "
          f"{out['summary']['files_skipped']} skipped, {len(rows)} Argo documents in EXPECTED.tsv")
    print("diagnostics by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items())))
    print(f"missing-finalizer recall: {len(hits)}/{len(should)} should-flag Applications")
    print(f"missing-finalizer false positives: {len(false_pos)} "
          f"(live-object rows reported, not counted: {len(live & found.keys())})")
    print(f"exit code: {proc.returncode}")
    for k in missed:
        print(f"  MISSED {k[0]} doc {k[1]} ({rows[k][1]})")
    for k in false_pos:
        why = "not an Argo row in EXPECTED" if k not in rows else f"EXPECTED: {rows[k]}"
        print(f"  FALSE POSITIVE {k[0]} doc {k[1]}: {why}")
    for s in syntax_in_ok:
        print(f"  SYNTAX ERROR in a file the ground truth parses: {s}")
    failed = bool(missed or false_pos or syntax_in_ok or proc.returncode != 1)
    print("corpus-check: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
