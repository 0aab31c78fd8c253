#!/usr/bin/python3
"""layers.py - check the layering of src/ (run by `make lint`).

    tools/layers.py base http state site lessons unsafe

The arguments are the folders of src/ from the bottom layer up. A file in
src/<layer>/ may include a header of its own layer or of a layer before
it, always by its folder ("base/buf.h"), never a header of a later layer.
Across all of src/, cgi-bin/ and tools/, the modules (a .c and its .h)
must not include each other in a cycle. A back end split off a module,
<name>_redis.c with its internal header <name>_redis.h beside <name>.h
(session.c hands over to session_redis.c when db->kv is set, and
session_redis.c uses session.h's types), is part of that module for the
cycle check: the two halves include each other by design. Prints every
violation and exits 1 when there is one.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
BACKENDS = ("_redis",)   # suffixes of a module's split-off back end


def owner(module):
    """The module that module ("layer/name") is a back end of, or itself."""
    for suffix in BACKENDS:
        base = module[:-len(suffix)]
        if module.endswith(suffix) and \
                os.path.exists(os.path.join("src", base + ".h")):
            return base
    return module


def includes(path):
    """The quoted includes of the file at path."""
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def main(layers):
    rank = {name: i for i, name in enumerate(layers)}
    problems = []
    graph = {}   # module "layer/name" -> modules it includes
    for layer in layers:
        folder = os.path.join("src", layer)
        for fname in sorted(os.listdir(folder)):
            if not fname.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, fname)
            module = owner(layer + "/" + fname[:-2])
            deps = graph.setdefault(module, set())
            for inc in includes(path):
                parts = inc.split("/")
                if len(parts) != 2 or parts[0] not in rank:
                    problems.append(f"{path}: #include \"{inc}\" does not "
                                    f"name its layer (write \"<layer>/"
                                    f"{parts[-1]}\")")
                    continue
                if not os.path.exists(os.path.join("src", inc)):
                    problems.append(f"{path}: #include \"{inc}\": no such "
                                    f"header")
                    continue
                if rank[parts[0]] > rank[layer]:
                    problems.append(f"{path}: #include \"{inc}\" goes up "
                                    f"from {layer}/ to {parts[0]}/")
                target = owner(inc[:-2])
                if target != module:
                    deps.add(target)
    for d in os.listdir("src"):
        if os.path.isdir(os.path.join("src", d)) and d not in rank:
            problems.append(f"src/{d}/: not a layer ({' '.join(layers)})")
    for f in os.listdir("src"):
        if os.path.isfile(os.path.join("src", f)):
            problems.append(f"src/{f}: every module lives in a layer folder")

    # Cycles: a depth-first search that reports each back edge's loop.
    state, stack, seen_cycles = {}, [], set()

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                loop = stack[stack.index(n):]
                key = frozenset(loop)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    problems.append("include cycle: " +
                                    " -> ".join(loop + [n]))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)

    for p in problems:
        print(p)
    if problems:
        print(f"layers: {len(problems)} problem(s)")
        return 1
    print(f"layers: {len(graph)} modules in {len(layers)} layers, "
          f"includes point down, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
