#!/usr/bin/env python3
"""Benchmark gitops-lint against ripgrep on a generated Kubefirst-like tree.

    cargo build --release && cargo build --release --example gen_tree
    python3 scripts/bench.py [--files 100000] [--runs 7] [--tree DIR] [--compare BIN]
                             [--apps-files 50000] [--rss-files 300000] [--callgrind]
                             [--side-by-side]

Reports (warm cache, runs of the two commands alternated):
- lint: median wall time of `gitops-lint lint --format json TREE` and of
  `rg -l argoproj.io TREE` (a parallel, .gitignore-aware walk that reads every file), the
  ratio, and peak RSS of each (wait4 rusage); with `--compare BIN`, the same lint by another
  build (e.g. of an earlier commit) in the same alternation, and the ratio of the two;
- pre-commit case: median wall time of `gitops-lint lint FILE` on one Application file;
- fix: median time of `--fix` on a tree where ~1,000 files need fixing (restored and
  settled before each run), against `lint` on the same tree;
- whether the JSON output is identical with `--threads 1` and with all threads;
- parser throughput: a tree where every file is an Argo CD Application (`--apps-files`),
  linted with `--threads 1` (MB/s per core) and with all threads (ratio to `rg -l`); with
  `--callgrind`, instructions per byte of a 2,000-file such tree (valgrind);
- memory: peak RSS of the lint of a large tree (`--rss-files`, 0 to skip);
- with `--side-by-side`, the same trees read by other tools in one alternating run:
  `rg -l`, `cat` of every file, `ryl` (a YAML linter), `kubeconform` and `yq` when
  installed (each named as missing otherwise).
Timing goals live here, never in tests.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "gitops-lint")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen_tree")


def timed(cmd, cwd=None):
    """Wall seconds and peak RSS (KiB) of one run, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, code


def gen(files, out):
    subprocess.run([GEN, "--files", str(files), "--out", out], check=True)


def tree_bytes(tree):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tree) for f in fs)


def side_by_side(trees, runs):
    """Median wall time of other tools reading the same trees, runs alternated."""
    def files_of(tree, yaml_only):
        return [os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs
                if not yaml_only or f.endswith((".yaml", ".yml"))]

    for label, tree in trees.items():
        yaml_files = files_of(tree, True)
        listing = os.path.join(os.path.dirname(tree), os.path.basename(tree) + ".files")
        with open(listing, "w") as f:
            f.write("\0".join(files_of(tree, False)))
        tools = {
            "gitops-lint lint --format json": [BIN, "lint", "--format", "json", tree],
            "rg -l argoproj.io": ["rg", "-l", "argoproj.io", tree],
            "cat (every file)": ["sh", "-c", f"xargs -0 cat < '{listing}' > /dev/null"],
            "ryl": ["ryl", tree],
            "kubeconform -summary": ["kubeconform", "-summary", "-ignore-missing-schemas", tree],
            "yq . (every YAML file)": ["sh", "-c", f"xargs -0 yq . < '{listing}.yaml' > /dev/null"],
        }
        with open(listing + ".yaml", "w") as f:
            f.write("\0".join(yaml_files))
        present = {k: v for k, v in tools.items() if shutil.which(v[0])}
        times = {k: [] for k in present}
        for cmd in present.values():
            timed(cmd)
        for i in range(runs):
            for k, cmd in present.items():
                if k.startswith("yq") and i > 0:
                    continue  # once: it takes minutes
                times[k].append(timed(cmd)[0])
        base = statistics.median(times["rg -l argoproj.io"])
        print(f"side by side, {label} ({len(yaml_files)} YAML files of {len(files_of(tree, False))}):")
        for k, t in times.items():
            m = statistics.median(t)
            print(f"  {k:34} median {m*1000:8.0f} ms  ({m/base:.2f}x rg)")
        for k in tools.keys() - present.keys():
            print(f"  {k:34} not installed")


def throughput(args, tmp, rg):
    """MB/s per core and the ratio to rg on a tree of Applications only."""
    apps = os.path.join(tmp, "apps-tree")
    subprocess.run([GEN, "--files", str(args.apps_files), "--all-applications", "--out", apps],
                   check=True, stderr=subprocess.DEVNULL)
    size = tree_bytes(apps)
    one = [BIN, "lint", "--format", "json", "--threads", "1", apps]
    every = [BIN, "lint", "--format", "json", apps]
    rg_cmd = [rg, "-l", "argoproj.io", apps]
    for cmd in (rg_cmd, one, every):
        timed(cmd)
    t1, tn, tr = [], [], []
    for _ in range(args.runs):
        tr.append(timed(rg_cmd)[0])
        t1.append(timed(one)[0])
        tn.append(timed(every)[0])
    m1, mn, mr = (statistics.median(x) for x in (t1, tn, tr))
    print(f"all-Applications tree ({args.apps_files} files, {size/1e6:.1f} MB): --threads 1 median "
          f"{m1*1000:.0f} ms = {size/1e6/m1:.1f} MB/s per core (goal >= 60); all threads {mn*1000:.0f} ms, "
          f"rg {mr*1000:.0f} ms, ratio {mn/mr:.2f} (goal <= 2.5)")
    if args.side_by_side:
        side_by_side({"main tree": args.tree_used, "all-Applications tree": apps}, args.runs)
    if args.callgrind and shutil.which("valgrind"):
        small = os.path.join(tmp, "apps-small")
        subprocess.run([GEN, "--files", "2000", "--all-applications", "--out", small],
                       check=True, stderr=subprocess.DEVNULL)
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        BIN, "lint", "--format", "json", "--threads", "1", small],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            total = next(int(l.split()[1]) for l in f if l.startswith("summary:"))
        print(f"instructions per byte (callgrind, 2,000 Applications): {total / tree_bytes(small):.0f}")
    shutil.rmtree(apps, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tree", help="use (or create) the tree here instead of a temp dir")
    ap.add_argument("--fix-files", type=int, default=20_000,
                    help="size of the tree for the --fix benchmark (~1,000 files to fix at 20,000)")
    ap.add_argument("--settle", type=float, default=65,
                    help="seconds to wait after restoring the fix tree before each --fix run")
    ap.add_argument("--compare", help="another gitops-lint binary to time on the same lint, alternated")
    ap.add_argument("--apps-files", type=int, default=50_000,
                    help="size of the all-Applications tree (0 to skip)")
    ap.add_argument("--rss-files", type=int, default=300_000,
                    help="size of the tree whose peak RSS is measured (0 to skip)")
    ap.add_argument("--side-by-side", action="store_true",
                    help="also time rg, cat, ryl, kubeconform and yq on the same trees")
    ap.add_argument("--callgrind", action="store_true",
                    help="also count instructions per byte with valgrind --tool=callgrind")
    args = ap.parse_args()
    for tool in (BIN, GEN):
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} missing: cargo build --release && cargo build --release --example gen_tree")
    rg = shutil.which("rg")
    if not rg:
        sys.exit("ripgrep (rg) not found: apt-get install ripgrep")

    tmp = tempfile.mkdtemp(prefix="gitops-lint-bench-")
    try:
        tree = args.tree or os.path.join(tmp, "tree")
        if not os.path.isdir(tree):
            gen(args.files, tree)
        print(f"machine: {os.cpu_count()} cores; tree: {tree}")
        args.tree_used = tree
        lint_cmd = [BIN, "lint", "--format", "json", tree]
        rg_cmd = [rg, "-l", "argoproj.io", tree]
        # Warm the page cache.
        timed(rg_cmd)
        timed(lint_cmd)
        other_cmd = [args.compare, *lint_cmd[1:]] if args.compare else None
        if other_cmd:
            timed(other_cmd)
        lint_t, rg_t, lint_rss, rg_rss, other_t, other_rss = [], [], [], [], [], []
        for _ in range(args.runs):
            w, m, _ = timed(rg_cmd)
            rg_t.append(w)
            rg_rss.append(m)
            w, m, code = timed(lint_cmd)
            lint_t.append(w)
            lint_rss.append(m)
            if other_cmd:
                w, m, _ = timed(other_cmd)
                other_t.append(w)
                other_rss.append(m)
        lm, rm = statistics.median(lint_t), statistics.median(rg_t)
        print(f"lint --format json: median {lm*1000:.0f} ms (min {min(lint_t)*1000:.0f}, max {max(lint_t)*1000:.0f}), "
              f"peak RSS {max(lint_rss)/1024:.1f} MiB, exit {code}")
        print(f"rg -l argoproj.io:  median {rm*1000:.0f} ms (min {min(rg_t)*1000:.0f}, max {max(rg_t)*1000:.0f}), "
              f"peak RSS {max(rg_rss)/1024:.1f} MiB")
        print(f"ratio lint/rg: {lm/rm:.2f} (goal <= 1.05); peak RSS goal <= 64 MiB")
        if other_cmd:
            om = statistics.median(other_t)
            print(f"--compare {args.compare}: median {om*1000:.0f} ms (min {min(other_t)*1000:.0f}), "
                  f"peak RSS {max(other_rss)/1024:.1f} MiB; ratio lint/compared {lm/om:.3f}")

        # The pre-commit case: one Application file.
        one = None
        for d, _, files in os.walk(os.path.join(tree, "registry")):
            for f in files:
                if f.endswith(".yaml"):
                    one = os.path.join(d, f)
                    break
            if one:
                break
        single = [timed([BIN, "lint", one])[0] for _ in range(100)]
        print(f"one file ({os.path.relpath(one, tree)}): median {statistics.median(single)*1000:.2f} ms (goal <= 2 ms)")

        # Same results with one thread and with all threads.
        a = subprocess.run([BIN, "lint", "--format", "json", "--threads", "1", tree], capture_output=True).stdout
        b = subprocess.run([BIN, "lint", "--format", "json", tree], capture_output=True).stdout
        strip = lambda out: json.loads(out)["diagnostics"]
        print(f"--threads 1 and all threads give the same diagnostics: {strip(a) == strip(b)} "
              f"({len(strip(a))} diagnostics)")

        if args.apps_files:
            throughput(args, tmp, rg)
        if args.rss_files:
            big = os.path.join(tmp, "rss-tree")
            gen(args.rss_files, big)
            timed([BIN, "lint", "--format", "json", big])
            rss = [timed([BIN, "lint", "--format", "json", big])[1] for _ in range(3)]
            print(f"peak RSS, lint of {args.rss_files} files: {max(rss)/1024:.1f} MiB (goal <= 40 MB)")
            shutil.rmtree(big, ignore_errors=True)

        # --fix on a tree where ~1,000 files need fixing. One copy of the tree; before each
        # run only the files the fix rewrote are restored, the disk is synced and left to
        # settle (--settle): ext4 without a journal, as on this project's machines, skips
        # inodes freed in the last minute when it allocates new ones, which makes a run
        # right after a mass deletion (such as removing an earlier copy) measure that
        # deletion rather than the fix.
        fix_tree = os.path.join(tmp, "fix-tree")
        gen(args.fix_files, fix_tree)
        listed = subprocess.run([BIN, "lint", "--format", "json", "."], cwd=fix_tree, capture_output=True)
        fixable = sorted({d["path"] for d in json.loads(listed.stdout)["diagnostics"] if d["fix"]})
        copy = os.path.join(tmp, "fix-copy")
        shutil.copytree(fix_tree, copy)
        lint_only, fix_t, left = [], [], []
        for _ in range(max(3, args.runs // 2)):
            for rel in fixable:
                shutil.copyfile(os.path.join(fix_tree, rel), os.path.join(copy, rel))
            os.sync()
            time.sleep(args.settle)
            timed([BIN, "lint", "--format", "json", copy])  # warm this copy's cache
            lint_only.append(timed([BIN, "lint", "--format", "json", copy])[0])
            fix_t.append(timed([BIN, "lint", "--fix", "--format", "json", copy])[0])
            again = json.loads(subprocess.run([BIN, "lint", "--format", "json", copy], capture_output=True).stdout)
            left.append(sum(1 for d in again["diagnostics"] if d["fix"]))
        fm, lo = statistics.median(fix_t), statistics.median(lint_only)
        ratios = ", ".join(f"{f / l:.2f}" for f, l in zip(fix_t, lint_only))
        print(f"--fix on {args.fix_files} files with {len(fixable)} to fix: median {fm*1000:.0f} ms; "
              f"lint of the same tree {lo*1000:.0f} ms; ratio {fm/lo:.2f} (goal <= 1.5; per run: {ratios}); "
              f"fixable left after each run: {left}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
