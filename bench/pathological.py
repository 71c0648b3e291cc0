"""Extraction time on pathological articles, each built at growing sizes: seconds per size and
the growth from one size to the next. Work linear in the size doubles when the size doubles
(growth about 2); work that grows with its square quadruples (about 4).

Run: .venv/bin/python bench/pathological.py [--sizes 5000,10000,20000] [--timeout 600]
     [--case "straight quotes" ...]

Each case runs in a worker process of its own, which loads the pipeline once, warms it up and
extracts each size in turn (a run under a second is repeated and the fastest kept); a size that
outlasts --timeout ends its case ("> 600 s"). A size
counts a case's unit (marks, words, names, paragraphs …) over the case's divisor, so that every
case holds roughly ``size`` tokens. The largest growth per doubling is printed last.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHORT_SECONDS, SHORT_REPEATS = 1.0, 5
FIRST_NAMES = ("Anna", "Boris", "Clara", "David", "Elena", "Felix", "Greta", "Hugo")
SPEECH = "Putin said that the talks would go on and Kyiv rejected it".split()


def names(count: int) -> list[str]:
    """``count`` different capitalised names ("Anna Kalomer", "Boris Kalomer", …)."""
    found = []
    for number in range(count):
        rest, surname = number // len(FIRST_NAMES), ""
        for _ in range(4):
            surname += "kalmernovit"[rest % 11] + "aeiou"[(rest // 11) % 5]
            rest //= 11
        found.append(f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {surname.capitalize()}")
    return found


@dataclass(frozen=True)
class Case:
    unit: str
    per: int  # tokens per unit, roughly: a size of n builds n // per units
    build: Callable[[int], str]


CASES: dict[str, Case] = {
    "straight quotes": Case("marks", 1, lambda n: '"' * (n // 2) + "two words" + '"' * (n // 2)),
    "curly opening quotes": Case(
        "marks", 1, lambda n: "“" * (n // 2) + "two words" + "“" * (n // 2)
    ),
    "alternating curly pairs": Case("marks", 1, lambda n: "“”" * (n // 2)),
    "single curly marks": Case("marks", 1, lambda n: "‘" * n),
    "single-quoted words": Case("marks", 2, lambda n: "‘a b’ " * (n // 2)),
    "spaced dashes": Case("dashes", 1, lambda n: "- " * n),
    "dash quote with a long gap": Case(
        "spaces", 1, lambda n: "- We will not give up" + " " * n + "our land - Zelensky said."
    ),
    "one paragraph, no sentence breaks": Case(
        "words", 1, lambda n: " ".join(SPEECH[i % len(SPEECH)] for i in range(n))
    ),
    "capitalised names": Case(
        "names", 6, lambda n: " ".join(f"{name} said it would help." for name in names(n))
    ),
    "one list of names": Case(
        "names", 3, lambda n: ", ".join(names(n)) + " said the talks would resume."
    ),
    "quotes in one paragraph": Case(
        "quotes", 14, lambda n: " ".join(["“We will never give up our land.” Putin spoke."] * n)
    ),
    "one quote per paragraph": Case(
        "paragraphs", 12, lambda n: "\n\n".join(["“We will never give up our land to anyone.”"] * n)
    ),
    "by-line ending in a colon": Case(
        "names", 3, lambda n: "By " + ", ".join(["Alexandra Fernandez"] * n) + ":"
    ),
    "spaces before a line": Case("spaces", 1, lambda n: " " * n + "Kyiv said so."),
}


def _worker(connection: Connection) -> None:
    from app.extraction.codebook import Codebook
    from app.extraction.pipeline import Extractor

    extractor = Extractor(Codebook.from_dir(ROOT / "seeds"))
    extractor.extract("Putin said the talks would go on. “We are ready,” Zelensky said.")
    while (text := connection.recv()) is not None:
        # A short run is repeated (the fastest counts): one pause of the machine would
        # otherwise look like growth.
        runs: list[float] = []
        while not runs or (sum(runs) < SHORT_SECONDS and len(runs) < SHORT_REPEATS):
            started = time.perf_counter()
            extractor.extract(text)
            runs.append(time.perf_counter() - started)
        connection.send(min(runs))


def time_case(case: Case, sizes: list[int], timeout: float) -> list[float | None]:
    """Seconds per size; None for a size that timed out (and the sizes after it)."""
    parent, child = multiprocessing.Pipe()
    worker = multiprocessing.get_context("spawn").Process(target=_worker, args=(child,))
    worker.start()
    seconds: list[float | None] = []
    try:
        for size in sizes:
            parent.send(case.build(size // case.per))
            if not parent.poll(timeout):
                break
            seconds.append(parent.recv())
        else:
            parent.send(None)
    finally:
        if len(seconds) < len(sizes):
            worker.kill()
        worker.join()
    return seconds + [None] * (len(sizes) - len(seconds))


def growth_per_doubling(small: int, large: int, before: float, after: float) -> float:
    return (after / before) ** (1 / math.log2(large / small))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    print(f"{'case':36} {'size':>18} {'seconds':>9} {'growth':>7}")
    worst: tuple[float, str] | None = None
    for name in args.case or list(CASES):
        case = CASES[name]
        seconds = time_case(case, sizes, args.timeout)
        for index, (size, took) in enumerate(zip(sizes, seconds, strict=True)):
            label = name if index == 0 else ""
            amount = f"{size // case.per} {case.unit}"
            if took is None:
                print(
                    f"{label:36} {amount:>18} {'> ' + format(args.timeout, '.0f'):>9}", flush=True
                )
                continue
            growth = ""
            previous = seconds[index - 1] if index else None
            if previous:
                factor = growth_per_doubling(sizes[index - 1], size, previous, took)
                growth = f"{factor:.2f}"
                if worst is None or factor > worst[0]:
                    worst = (factor, name)
            print(f"{label:36} {amount:>18} {took:9.2f} {growth:>7}", flush=True)
    if worst is not None:
        print(f"largest growth per doubling of size: {worst[0]:.2f} ({worst[1]})")


if __name__ == "__main__":
    main()
