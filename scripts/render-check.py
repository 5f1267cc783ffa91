#!/usr/bin/env python3
"""Time every output format (release build) on many findings in one file.

Rendering must be linear in the output: one file of N Applications without finalizer
(default 100,000, about 12 MB) is linted in each format, and each format must take under
1.5x the time of `--format concise` plus 0.5 s (rendering per file, not per finding x
file size). Prints wall time, CPU time and peak RSS per format.

Usage: scripts/render-check.py [--bin PATH] [--apps N]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

FORMATS = ["concise", "full", "github", "json", "json-lines", "sarif"]


def run(binary, args, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen([binary, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "gitops-lint"))
    ap.add_argument("--apps", type=int, default=100_000)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, ".git"))
        with open(os.path.join(tmp, "apps.yaml"), "w") as f:
            for i in range(args.apps):
                f.write(f"---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
                        f"  name: app-{i}\n  namespace: argocd\nspec:\n  project: default\n")
        base = None
        for fmt in FORMATS:
            wall, cpu, rss, code = run(binary, ["lint", "--format", fmt, "apps.yaml"], tmp)
            base = cpu if base is None else base
            good = code == 1 and cpu < 1.5 * base + 0.5
            ok &= good
            print(f"{'ok  ' if good else 'FAIL'} {fmt:<11} exit {code}  wall {wall:6.2f} s  "
                  f"cpu {cpu:6.2f} s  {rss:7.1f} MiB")
    print("render-check: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
