"""Extraction speed: words per second of the whole pipeline against a bare ``nlp.pipe`` over the
same texts with the same spaCy pipeline, in one run, and the ratio between them (aim: >= 0.8).

Run: .venv/bin/python bench/extraction_throughput.py [--rounds 5] [--corpus ../shared/corpus]

Each round times both on the seed articles and the development corpus; medians are reported.
The pipeline's peak memory (RSS of a fresh process that only extracts) is printed too
(aim: <= 400 MB).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.extraction.codebook import Codebook  # noqa: E402
from app.extraction.pipeline import Extractor  # noqa: E402


def load_texts(corpus: Path) -> list[str]:
    paths = sorted((ROOT / "seeds" / "articles").glob("*.txt"))
    if corpus.is_dir():
        paths += sorted(corpus.glob("*.txt"))
    return [path.read_text(encoding="utf-8") for path in paths]


def _extract_only(texts: list[str]) -> None:
    Extractor(Codebook.from_dir(ROOT / "seeds")).extract_many(texts)


def pipeline_peak_mb(texts: list[str]) -> float:
    """Peak RSS of a process that loads the pipeline and extracts every text."""
    process = multiprocessing.get_context("spawn").Process(target=_extract_only, args=(texts,))
    process.start()
    process.join()
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()

    texts = load_texts(args.corpus)
    words = sum(len(text.split()) for text in texts)
    # First, before this process loads the model: a forked child starts with its parent's pages.
    peak_mb = pipeline_peak_mb(texts)
    extractor = Extractor(Codebook.from_dir(ROOT / "seeds"))
    nlp = extractor.nlp
    extractor.extract_many(texts[:2])  # warm up: lazy loads, caches

    bare_rates, full_rates = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        bare_rates.append(words / (time.perf_counter() - started))
        started = time.perf_counter()
        extractor.extract_many(texts)
        full_rates.append(words / (time.perf_counter() - started))

    bare, full = statistics.median(bare_rates), statistics.median(full_rates)
    print(f"texts: {len(texts)}  words: {words}  rounds: {args.rounds}")
    print(f"bare nlp.pipe        {bare:10.0f} words/s (median)")
    print(f"extraction pipeline  {full:10.0f} words/s (median)")
    print(f"pipeline peak memory {peak_mb:10.0f} MB")
    print(f"ratio pipeline / bare nlp.pipe: {full / bare:.2f}")


if __name__ == "__main__":
    main()
