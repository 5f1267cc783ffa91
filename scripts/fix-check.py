#!/usr/bin/env python3
"""Check `gitops-lint lint --fix` against real data (skipped when ../shared is absent).

1. Replays: the files of two real upstream commits that only added the cascade finalizer
   (../shared/replays/kubefirst-pr711 with `finalizer-position: end`, kubefirst-pr880 with
   `after-name`). Fixing `before/` must reproduce `after/` byte for byte.
2. Corpus: on a copy of ../shared/corpus, after `--fix` no should-flag Application is
   left; every file that parsed before parses after (PyYAML), to the same data plus the
   finalizer in exactly the fixed objects; every file with nothing to fix is
   byte-identical; a second `--fix` changes nothing.

Usage: scripts/fix-check.py [--bin PATH] [--shared DIR]
"""
import argparse
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

CASCADE = "resources-finalizer.argocd.argoproj.io"


def tree_files(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = p
    return out


def digest(root):
    return {rel: hashlib.sha256(open(p, "rb").read()).hexdigest() for rel, p in tree_files(root).items()}


def make_writable(root):
    for d, dirs, files in os.walk(root):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)


def run(binary, args, cwd):
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True)


def replay(binary, shared, name, position):
    src = os.path.join(shared, "replays", name)
    if not os.path.isdir(src):
        print(f"replay {name}: skipped (not found)")
        return True
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "before")
        shutil.copytree(os.path.join(src, "before"), work)
        make_writable(work)
        cfg = os.path.join(tmp, "config.yaml")
        with open(cfg, "w") as f:
            f.write(f"fix:\n  finalizer-position: {position}\n")
        proc = run(binary, ["lint", "--fix", "--config", cfg, "--no-ignore", "--format", "concise", "."], work)
        after = tree_files(os.path.join(src, "after"))
        got = tree_files(work)
        same = sum(1 for rel, p in after.items() if rel in got and open(p, "rb").read() == open(got[rel], "rb").read())
        print(f"replay {name} ({position}): {same}/{len(after)} files byte-identical to after/; "
              f"exit {proc.returncode}; {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}")
        for rel in sorted(after):
            if rel not in got or open(after[rel], "rb").read() != open(got[rel], "rb").read():
                print(f"  DIFFERS {rel}")
        return same == len(after) and len(after) > 0


def load_all(path):
    """Documents of a file with PyYAML, or None when it does not parse."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8-sig")
        return list(yaml.safe_load_all(text))
    except Exception:
        return None


def parent_at(doc, route):
    """The mapping holding the last key of `route` (`metadata.finalizers`,
    `items[2].metadata.finalizers`) in `doc`, and that key; (None, key) if absent."""
    node = doc
    parts = route.split(".")
    for p in parts[:-1]:
        if "[" in p:
            key, idx = p[:-1].split("[")
            node = node[key][int(idx)]
        else:
            node = node.get(p) if isinstance(node, dict) else None
        if node is None:
            break
    return (node if isinstance(node, dict) else None), parts[-1]


def strip_cascade(doc, route):
    """A copy of `doc` with the cascade finalizer taken out of the list at `route`."""
    doc = copy.deepcopy(doc)
    node, last = parent_at(doc, route)
    fins = node.get(last) if node is not None else None
    if isinstance(fins, list) and CASCADE in fins:
        fins = [f for f in fins if f != CASCADE]
        node[last] = fins if fins else None
    return doc


def normalise(doc, route):
    """Treat `finalizers: []`, `null` and an absent key alike, for comparison."""
    doc = copy.deepcopy(doc)
    node, last = parent_at(doc, route)
    if node is not None and not node.get(last):
        node.pop(last, None)
    return doc


def corpus(binary, shared):
    src = os.path.join(shared, "corpus")
    if not os.path.isdir(src):
        print("corpus: skipped (not found)")
        return True
    if yaml is None:
        print("corpus: PyYAML missing (pip install pyyaml)")
        return False
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "corpus")
        shutil.copytree(src, work)
        make_writable(work)
        before = run(binary, ["lint", "--format", "json", "--no-ignore", "."], work)
        diags = json.loads(before.stdout)["diagnostics"]
        fixable = [d for d in diags if d["fix"] is not None and d["fix"]["applicability"] == "safe"]
        flagged = {(d["path"], d["document"]): d["route"] for d in fixable if d["rule"] == "missing-finalizer"}
        hashes = digest(work)
        docs_before = {}
        for rel, p in tree_files(work).items():
            if rel.endswith((".yaml", ".yml", ".json")):
                docs_before[rel] = load_all(p)

        fix = run(binary, ["lint", "--fix", "--no-ignore", "--format", "json", "."], work)
        remaining = json.loads(fix.stdout)["diagnostics"]
        left = [d for d in remaining if d["rule"] == "missing-finalizer"]
        print(f"corpus --fix: {fix.stderr.strip().splitlines()[-1] if fix.stderr.strip() else ''} (exit {fix.returncode})")
        print(f"  fixable before: {len(fixable)} ({len(flagged)} missing-finalizer); missing-finalizer left after: {len(left)}")
        for d in left:
            print(f"  LEFT {d['path']} doc {d['document']}: {d['message'][:100]}")
        refused = [l for l in fix.stderr.splitlines() if "not applied" in l or l.startswith("error")]
        for l in refused:
            print(f"  {l}")
        ok &= not left and not refused

        changed_files = {p for (p, _) in flagged}
        after_hashes = digest(work)
        untouched_bad = [rel for rel in hashes if rel not in changed_files and hashes[rel] != after_hashes.get(rel)]
        touched = [rel for rel in changed_files if hashes.get(rel) != after_hashes.get(rel)]
        print(f"  files changed: {len(touched)} of {len(changed_files)} with fixes; "
              f"files changed without a fix: {len(untouched_bad)}")
        ok &= not untouched_bad and len(touched) == len(changed_files)

        parsed_before = parsed_after = data_ok = 0
        bad = []
        for rel in changed_files:
            b = docs_before.get(rel)
            if b is None:
                continue
            parsed_before += 1
            a = load_all(os.path.join(work, rel))
            if a is None or len(a) != len(b):
                bad.append(f"{rel}: does not parse after the fix" if a is None else f"{rel}: document count changed")
                continue
            parsed_after += 1
            same = True
            for i, (db, da) in enumerate(zip(b, a)):
                route = flagged.get((rel, i))
                if route is None:
                    same &= db == da
                    continue
                # The fixed document: the finalizer is present after, and removing it
                # gives back the original data.
                node, last = parent_at(da, route)
                fins = node.get(last) if node is not None else None
                has = isinstance(fins, list) and CASCADE in fins
                same &= has and normalise(strip_cascade(da, route), route) == normalise(db, route)
            if same:
                data_ok += 1
            else:
                bad.append(f"{rel}: data differs beyond the added finalizer")
        print(f"  fixed files that parsed before: {parsed_before}; parse after: {parsed_after}; "
              f"same data plus the finalizer: {data_ok}")
        for b in bad:
            print(f"  BAD {b}")
        ok &= not bad and parsed_before == parsed_after == data_ok

        again = run(binary, ["lint", "--fix", "--no-ignore", "--format", "json", "."], work)
        changed_again = [rel for rel, h in digest(work).items() if after_hashes.get(rel) != h]
        print(f"  second --fix changed {len(changed_again)} files")
        ok &= not changed_again
    return ok


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "gitops-lint"))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    shared = os.path.abspath(args.shared)
    if not os.path.isdir(shared):
        print(f"fix-check: skipped ({shared} not found)")
        return 0
    if not os.access(binary, os.X_OK):
        print(f"fix-check: binary {binary} not found; build it first (cargo build --release)")
        return 2
    ok = replay(binary, shared, "kubefirst-pr711", "end")
    ok &= replay(binary, shared, "kubefirst-pr880", "after-name")
    ok &= corpus(binary, shared)
    print("fix-check: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
