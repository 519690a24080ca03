#!/usr/bin/env python3
"""Before/after: time the committed visits/flagging.py (git HEAD, or --rev) against the
working tree's, alternately, on the data already in the scratch database.

    .venv/bin/python bench/reevaluate.py --visits 100000      # fill the database once
    .venv/bin/python bench/compare.py --rounds 2

Both versions use the working tree's rule engine (compliance/). Each round
empties the verdict tables and times a first run (every verdict new) and a second run
(nothing changed) for each version, so the ratios come from the same machine state.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reevaluate import ROOT, reset_verdicts, run_evaluation, setup_django, vacuum  # noqa: E402


def load_committed_flagging(rev: str, path: Path | None = None) -> types.ModuleType:
    """visits/flagging.py as committed at `rev` (or as in the file `path`), as a module."""
    if path is not None:
        source, name = path.read_text(), str(path)
    else:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:visits/flagging.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        name = f"{rev}:visits/flagging.py"
    module = types.ModuleType("visits.flagging_committed")
    module.__file__ = name
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rev", default="HEAD", help="the committed version to compare with")
    parser.add_argument(
        "--before", type=Path, help="compare with this copy of flagging.py instead of --rev"
    )
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    from visits import flagging as current

    before = f"{args.before}" if args.before else f"{args.rev} flagging.py"
    versions = {
        before: load_committed_flagging(args.rev, args.before),
        "working tree flagging.py": current,
    }
    results = {name: [] for name in versions}
    for _ in range(args.rounds):
        for name, module in versions.items():
            visits = reset_verdicts()
            vacuum()
            first = run_evaluation(f"{name}: first run", visits, False, module)
            vacuum()
            second = run_evaluation(f"{name}: second run", visits, False, module)
            results[name].append((first["seconds"], second["seconds"], first["peak_rss_mib"]))
    print()
    print("| version | visits | first run (s) | second run (s) | first-run peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        firsts = ", ".join(f"{r[0]:.1f}" for r in runs)
        seconds = ", ".join(f"{r[1]:.1f}" for r in runs)
        print(f"| {name} | {visits:,} | {firsts} | {seconds} | {max(r[2] for r in runs):.0f} |")
    names = list(results)
    for i, label in ((0, "first run"), (1, "second run")):
        before = min(r[i] for r in results[names[0]])
        after = min(r[i] for r in results[names[1]])
        print(f"{label}: best {before:.1f} s -> {after:.1f} s ({before / after:.2f}x faster)")


if __name__ == "__main__":
    main()
