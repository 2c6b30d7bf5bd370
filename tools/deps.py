#!/usr/bin/env python3
"""deps.py BUILD_DIR - the file-to-file call graph of the engine, from its
object files, against the layers of docs/ARCHITECTURE.md.

Each object file's undefined symbols (nm) are matched with the object file
that defines them: file A calls file B when A uses a symbol B defines.  The
layer of a file is its folder under planner/:

    core 0  <-  input 1  <-  engine 2  <-  output 3  <-  plan 4  <-  cli 5

A file may call files of its own layer and of the layers below.  Fails,
naming the files and the symbols, on any call up a layer (but those listed
in UP_ALLOWED, each with its reason) and on any circle of files (a file
that reaches itself through its calls).  Prints the graph with -v.
"""
import collections
import os
import subprocess
import sys

LAYERS = ["core", "input", "engine", "output", "plan", "cli"]
# calls up a layer that the architecture accepts, each with its reason
# (docs/ARCHITECTURE.md, "Exceptions"); at most two
UP_ALLOWED = {}


def graph(build):
    defs, undef = {}, {}
    for root, _, files in os.walk(build):
        for f in files:
            if not f.endswith(".o"):
                continue
            rel = os.path.relpath(os.path.join(root, f), build)[:-2]
            if rel.split(os.sep)[0] not in LAYERS:
                continue
            out = subprocess.run(["nm", os.path.join(root, f)], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                p = line.split()
                if len(p) == 3 and p[1] in "TDBRC":
                    defs[p[2]] = rel
                elif len(p) == 2 and p[0] == "U":
                    undef.setdefault(rel, set()).add(p[1])
            undef.setdefault(rel, set())
    edges = collections.defaultdict(lambda: collections.defaultdict(set))
    for f, syms in undef.items():
        for s in syms:
            t = defs.get(s)
            if t and t != f:
                edges[f][t].add(s)
    return sorted(undef), edges


def circles(nodes, edges):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    nodes, edges = graph(argv[1])
    if not nodes:
        print("deps: no object files under %s" % argv[1])
        return 2
    bad = 0
    n_edges = sum(len(t) for t in edges.values())
    for f in nodes:
        for t, syms in sorted(edges[f].items()):
            lf, lt = LAYERS.index(f.split(os.sep)[0]), LAYERS.index(t.split(os.sep)[0])
            if "-v" in argv:
                print("  %s -> %s (%s)" % (f, t, ", ".join(sorted(syms))))
            if lt > lf and (f, t) not in UP_ALLOWED:
                print("deps: %s (%s) calls up into %s (%s): %s" % (f, LAYERS[lf], t, LAYERS[lt], ", ".join(sorted(syms))))
                bad += 1
    for c in circles(nodes, edges):
        detail = "; ".join("%s -> %s (%s)" % (a, b, ", ".join(sorted(edges[a][b])))
                           for a in c for b in c if b in edges[a])
        print("deps: a circle of files: %s: %s" % (" <-> ".join(c), detail))
        bad += 1
    up = len(UP_ALLOWED)
    print("deps: %d files, %d file-to-file dependencies, %d up a layer (allowed, explained), %s" %
          (len(nodes), n_edges, up, "%d violations" % bad if bad else "no circle, no other call up a layer"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
