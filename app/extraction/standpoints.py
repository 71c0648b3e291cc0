"""Positions stated without a speech verb: "For Kyiv, any withdrawal from Donbas remains
unacceptable", "For Moscow, Ukraine's neutrality is a red line"."""

from __future__ import annotations

from spacy.tokens import Token

from app.extraction.lexicon import OPPOSE_WORDS, SUPPORT_WORDS

# What a standpoint calls its object: acceptable or not, a precondition, a red line; and what a
# standpoint names as its aim ("the priority is …").
STANDPOINT_WORDS = (
    OPPOSE_WORDS | SUPPORT_WORDS | frozenset("acceptable non-negotiable precondition".split())
)
AIM_NOUNS = frozenset("priority goal aim objective".split())
UNREAL_AUXILIARIES = frozenset("would could might may".split())


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
    if any(c.dep_ == "aux" and c.lower_ in UNREAL_AUXILIARIES for c in root.children):
        return None  # "… would be a serious threat": a forecast, not a position
    # "… remains unacceptable", "… is a red line", "the priority is …": the predicate's own head
    # judges, not any word of the subject ("the situation on the front line remains difficult")
    judges = any(
        (c.dep_ in ("acomp", "attr") and c.lemma_.lower() in STANDPOINT_WORDS)
        or (c.dep_ == "attr" and _red_line(c))
        or (c.dep_ == "nsubj" and c.lemma_.lower() in AIM_NOUNS)
        for c in root.children
    )
    return root if judges else None


def _red_line(noun: Token) -> bool:
    return noun.lemma_.lower() == "line" and any(c.lower_ == "red" for c in noun.children)


def standpoint_comma(holder: Token) -> int | None:
    """Where the comma after "For Kyiv" stands (the parser may hang it on the name)."""
    doc = holder.doc
    end = holder.right_edge.i
    if doc[end].text != ",":
        end += 1
    return end if end < len(doc) and doc[end].text == "," else None
