#!/usr/bin/env python3
"""Validate gitops-lint's SARIF with Microsoft's SARIF Multitool and cross-check formats.

For the bundled example repository and, when present, ../shared/corpus:
- `--format sarif` passes `sarif-multitool validate` with 0 errors and 0 warnings;
- the number of SARIF results equals the number of `--format json` diagnostics;
- `--format github` lines parse back to the same file/line/column as the JSON output.

Usage: scripts/sarif-check.py --multitool PATH [--bin PATH]
(`npm i @microsoft/sarif-multitool` provides node_modules/.bin/sarif-multitool.)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

GITHUB = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


def unescape(s):
    return s.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def check(binary, multitool, target, cwd, label):
    ok = True
    run = lambda fmt: subprocess.run([binary, "lint", target, "--no-ignore", "--format", fmt],
                                     cwd=cwd, capture_output=True, text=True)
    sarif = run("sarif")
    js = json.loads(run("json").stdout)["diagnostics"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.sarif")
        report = os.path.join(tmp, "validation.sarif")
        with open(path, "w") as f:
            f.write(sarif.stdout)
        v = subprocess.run([multitool, "validate", "-o", report, path], capture_output=True, text=True)
        problems = []
        if os.path.exists(report):
            for r in json.load(open(report))["runs"][0].get("results", []):
                if r.get("level", "warning") in ("error", "warning"):
                    problems.append(f'{r.get("level", "warning")} {r["ruleId"]}: {r["message"]}')
        else:
            problems.append(f"validator produced no report: {v.stdout}{v.stderr}")
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    print(f"{label}: sarif-multitool validate: {len(problems)} errors/warnings; "
          f"SARIF results {len(results)} = JSON diagnostics {len(js)}: {len(results) == len(js)}")
    for p in problems:
        print(f"  {p}")
    ok &= not problems and len(results) == len(js)

    gh = run("github").stdout.splitlines()
    parsed = []
    for line in gh:
        m = GITHUB.match(line)
        if not m:
            continue
        props = dict(p.split("=", 1) for p in m.group("props").split(","))
        parsed.append((unescape(props["file"]), int(props["line"]), int(props.get("col", 0)) or None))
    expected = [(d["path"], d["start"]["line"],
                 d["start"]["column"] if d["start"]["line"] == d["end"]["line"] else None) for d in js]
    same = parsed == expected
    print(f"{label}: github annotations {len(parsed)} parse back to the JSON file/line/column: {same}")
    ok &= same
    return ok


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "gitops-lint"))
    ap.add_argument("--multitool", required=True)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    ok = check(binary, os.path.abspath(args.multitool), "fixtures/kubefirst-example", root, "example repository")
    corpus = os.path.join(root, "..", "shared", "corpus")
    if os.path.isdir(corpus):
        ok &= check(binary, os.path.abspath(args.multitool), ".", corpus, "corpus")
    else:
        print("corpus: skipped (../shared/corpus not found)")
    print("sarif-check: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
