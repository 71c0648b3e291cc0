"""Positions stated without a speech verb: "For Kyiv, any withdrawal from Donbas remains
unacceptable", "For Moscow, Ukraine's neutrality is a red line"."""

from __future__ import annotations

from spacy.tokens import Token

from app.extraction.lexicon import OPPOSE_WORDS, SUPPORT_WORDS

# What a standpoint calls its object: acceptable or not, a priority, a red line.
STANDPOINT_WORDS = (
    OPPOSE_WORDS
    | SUPPORT_WORDS
    | frozenset(
        """
        acceptable priority line non-negotiable precondition condition essential obstacle threat
        """.split()
    )
)


def standpoint_root(preposition: Token) -> Token | None:
    """The main clause a sentence-opening "For X," frames as X's view, if its predicate judges
    ("unacceptable", "a red line"); None for "For years, …" or "For now, …"."""
    if preposition.dep_ != "prep" or preposition.i != preposition.sent.start:
        return None
    holder = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    root = preposition.head
    if (
        holder is None
        or holder.ent_type_ not in ("GPE", "LOC", "ORG", "PERSON", "NORP")
        or root.dep_ != "ROOT"
        or standpoint_comma(holder) is None
    ):
        return None
    # "… remains unacceptable", "… is a red line", "the priority is …"
    predicate = [c for c in root.children if c.dep_ in ("acomp", "attr", "nsubj")]
    if not any(t.lemma_.lower() in STANDPOINT_WORDS for p in predicate for t in p.subtree):
        return None
    return root


def standpoint_comma(holder: Token) -> int | None:
    """Where the comma after "For Kyiv" stands (the parser may hang it on the name)."""
    doc = holder.doc
    end = holder.right_edge.i
    if doc[end].text != ",":
        end += 1
    return end if end < len(doc) and doc[end].text == "," else None
