"""Claims the small parser hangs in the wrong place: a "that" clause on a word after the verb,
a restriction on the speech verb, the words after a colon made the sentence's root, a claim
before a trailing "…, a source told Reuters" that was made the verb's head."""

from __future__ import annotations

from spacy.tokens import Token


def misattached_clauses(verb: Token) -> list[Token]:
    """A "that" clause the small model hung on a word between the verb and it: on a date
    ("Kyiv said March 11 that it accepted …") or on a phrase's noun ("said after the talks
    that Ukraine was ready …", where "that" is the clause's marker, not a relative pronoun)."""
    found = []
    for child in verb.children:
        if child.dep_ in ("npadvmod", "tmod") and child.ent_type_ == "DATE":
            nouns = [child]
        elif child.dep_ == "prep" and child.i > verb.i:
            nouns = [g for g in child.children if g.dep_ == "pobj"]
        else:
            continue
        for noun in nouns:
            found += [
                clause
                for clause in noun.children
                if clause.dep_ in ("relcl", "acl")
                and clause.left_edge.lower_ == "that"
                and (
                    noun.dep_ != "pobj"
                    or any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)
                )
            ]
    return found


# "said Europe was ready to send troops, but only after a ceasefire": the parser hangs the
# restriction on the speech verb; it is the claim's.
RESTRICTING_WORDS = {"after", "if", "once", "when", "provided", "unless", "until", "before"}


def restriction_end(verb: Token, clause: Token) -> int | None:
    """Where the claim ends when a restriction follows it ("…, but only after …")."""
    if any(child.dep_ == "conj" for child in verb.children):
        return None  # "said …, but added …": a second speech act
    for child in verb.children:
        if (
            child.dep_ == "cc"
            and child.lower_ == "but"
            and child.i > clause.right_edge.i
            and any(t.lower_ in RESTRICTING_WORDS for t in child.subtree)
        ):
            return child.right_edge.i + 1
    return None


def colon_claim(verb: Token) -> tuple[int, int] | None:
    """ "he warned against illusions: everything depended on whether Russia …": the parser makes
    the words after the colon the root and the speech verb their complement; they are its claim
    (token range, untrimmed)."""
    root = verb.head
    if verb.dep_ != "ccomp" or root.i <= verb.i or root.dep_ != "ROOT":
        return None
    colon = next(
        (c for c in root.children if c.text == ":" and verb.right_edge.i < c.i < root.i), None
    )
    if colon is None:
        return None
    return colon.i + 1, root.right_edge.i + 1


def trailing_claim(verb: Token, speaker: Token | None) -> tuple[int, int] | None:
    """ "The task is to facilitate a meeting, a source told Reuters.": the parser made the
    speech a clause of the claim's; the claim is everything before the speaker's comma
    (token range, untrimmed)."""
    if speaker is None or verb.dep_ not in ("advcl", "conj") or verb.head.i > verb.i:
        return None
    comma = speaker.left_edge.i - 1
    if comma <= 0 or verb.doc[comma].text != "," or speaker.i >= verb.i:
        return None
    return verb.head.left_edge.i, comma
