#!/usr/bin/env python3
"""Time gitops-lint (release build) on hostile inputs and check the exit codes.

Each input must give its expected exit code and finish in under a second, except the
large files, which must take time linear in their size (the script prints the MB/s for 25,
50 and 100 MB files and checks that 100 MB takes under 2.5x the 50 MB time). Peak RSS is
printed for each (wait4 rusage).

Usage: scripts/hostile-check.py [--bin PATH]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HEAD = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"


def run(binary, args, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen([binary, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode(errors="replace")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "gitops-lint"))
    binary = os.path.abspath(ap.parse_args().bin)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        def case(name, content, expect, args=None, limit=1.0):
            nonlocal ok
            path = os.path.join(tmp, name)
            if content is not None:
                with open(path, "wb") as f:
                    f.write(content if isinstance(content, bytes) else content.encode())
            wall, rss, code, err = run(binary, args or ["lint", "--format", "json", name], tmp)
            good = code == expect and wall < limit
            ok &= good
            print(f"{'ok  ' if good else 'FAIL'} {name:<28} exit {code} (want {expect})  {wall*1000:7.1f} ms  {rss:6.1f} MiB")
            return wall

        case("deep-flow-seq.yaml", f"{HEAD}metadata: {'[' * 200_000}{']' * 200_000}\n", 1)
        case("deep-flow-map.yaml", f"{HEAD}metadata: {'{a: ' * 200_000}{'}' * 200_000}\n", 1)
        case("deep-block.yaml", HEAD + "".join(f"{'  ' * i}k{i}:\n" for i in range(2000)), 1)
        case("binary.yaml", bytes(range(256)) * 4096 + b"argoproj.io", 1)
        case("latin1.yaml", (HEAD + "metadata:\n  name: caf").encode() + b"\xe9\n", 1)
        case("empty.yaml", "", 0)
        case("dashes.yaml", "---\n", 0)
        bomb = HEAD + "spec:\n  a0: &a0 [" + ", ".join(["lol"] * 10) + "]\n"
        for i in range(1, 10):
            bomb += f"  a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
        case("billion-laughs.yaml", bomb + "metadata: *a9\n", 0)
        merge = HEAD + "spec:\n  a0: &a0 {" + ", ".join(f"k{j}: lol" for j in range(10)) + "}\n"
        for i in range(1, 10):
            merge += f"  a{i}: &a{i} {{" + ", ".join(f"k{j}: *a{i-1}" for j in range(10)) + "}\n"
        case("merge-key-laughs.yaml", merge + "<<: *a9\n", 0)
        os.symlink("loop-b", os.path.join(tmp, "loop-a"))
        os.symlink("loop-a", os.path.join(tmp, "loop-b"))
        os.makedirs(os.path.join(tmp, "d"))
        os.symlink("..", os.path.join(tmp, "d", "up"))
        case("symlink loops (walk)", None, 1, ["lint", "--format", "json", "."])
        case("missing path", None, 2, ["lint", "no/such/path.yaml"])
        # Only regular files are read: no hang on a FIFO, no endless read of /dev/zero.
        os.mkfifo(os.path.join(tmp, "fifo.yaml"))
        case("FIFO named", None, 2, ["lint", "fifo.yaml"])
        case("/dev/zero named", None, 2, ["lint", "/dev/zero"])
        case("--config FIFO", None, 2, ["lint", "--config", "fifo.yaml", "empty.yaml"])
        case("--config /dev/zero", None, 2, ["lint", "--config", "/dev/zero", "empty.yaml"])
        # A configuration at the glob limit: per-path-ignores are matched once per file and
        # rule, not once per finding (20,000 findings took 206 s when they were).
        with open(os.path.join(tmp, "ppi.gitops-lint.yaml"), "w") as f:
            f.write("per-path-ignores:\n" + "".join(
                f'  "**/dir{i}/*x*.yaml": [missing-finalizer]\n' for i in range(10_000)))
        apps = "".join(f"{HEAD}metadata:\n  name: a{i}\nspec: {{}}\n---\n" for i in range(20_000))
        case("20k-apps-10k-ignores.yaml", apps, 1,
             ["lint", "--config", "ppi.gitops-lint.yaml", "--format", "json", "20k-apps-10k-ignores.yaml"],
             limit=5)

        # Large files: a manifest bundle (CRD-like documents, few Applications), linear time.
        doc = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
               "  name: things.argoproj.io\nspec:\n  group: argoproj.io\n  versions:\n"
               + "".join(f"    - name: v{i}\n      served: true\n" for i in range(20)) + "---\n")
        app = HEAD + "metadata:\n  name: in-the-bundle\nspec: {}\n---\n"
        times = {}
        for mb in (25, 50, 100):
            n = mb * 1_000_000 // len(doc)
            text = "".join(app if i % 1000 == 0 else doc for i in range(n))
            times[mb] = case(f"bundle-{mb}MB.yaml", text, 1, limit=120)
            print(f"     {mb} MB: {mb / times[mb]:.1f} MB/s")
        linear = times[100] < 2.5 * times[50]
        ok &= linear
        print(f"{'ok  ' if linear else 'FAIL'} 100 MB takes {times[100] / times[50]:.2f}x the 50 MB time (linear: < 2.5x)")
    print("hostile-check: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
