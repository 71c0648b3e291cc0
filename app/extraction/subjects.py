"""Who speaks, as the parse has it: a speech verb's subject, in the passive its agent, the one
"quoted as saying", the subject a second verb shares, or the name the parser left stray."""

from __future__ import annotations

from spacy.tokens import Token

from app.extraction.verbs import (
    is_communication_verb,
    is_finite,
    is_passive,
    is_reporting_participle,
)


def subject_of(verb: Token) -> Token | None:
    """Who speaks: the verb's subject, or in the passive its agent ("was rejected by Kyiv";
    the passive subject is what was spoken about)."""
    own = _agent(verb) or _grammatical_subject(verb)
    if own is not None or is_passive(verb):
        return own
    quoted = _quoted_as_saying(verb)
    if quoted is not None:
        return quoted
    if verb.dep_ == "xcomp" and any(c.dep_ in ("acomp", "attr") for c in verb.head.children):
        return None  # "it is necessary to agree on …": nobody agreed yet
    trailing = trailing_subject(verb)
    if trailing is not None:
        return trailing
    # "X said … and added", "X said …, adding that …": the second verb shares the first's subject.
    if (
        verb.dep_ in ("conj", "advcl", "xcomp")
        and verb.head.pos_ in ("VERB", "AUX")
        and verb.head.i != verb.i
    ):
        return _shared_subject(verb)
    return _stray_subject(verb)


def trailing_subject(verb: Token) -> Token | None:
    """ "…, a source familiar with the matter told Reuters.": the parser hung "a source" on the
    claim and made the verb a clause of its own; the phrase between the last comma and the
    verb speaks (its head: the one word of it whose head lies outside it)."""
    if verb.dep_ not in ("advcl", "conj") or not is_finite(verb):
        return None
    doc, first = verb.doc, verb.sent.start
    comma = verb.i - 1
    while comma > first and doc[comma].text != "," and verb.i - comma <= MAX_TRAILING_WORDS:
        comma -= 1
    if doc[comma].text != "," or comma == verb.i - 1:
        return None
    phrase = range(comma + 1, verb.i)
    heads = [doc[k] for k in phrase if doc[k].head.i not in phrase]
    if len(heads) != 1 or heads[0].pos_ not in ("NOUN", "PROPN"):
        return None
    return heads[0] if heads[0].dep_ in ("appos", "npadvmod", "conj", "pobj") else None


# How long a trailing speaker's phrase may be ("a senior official familiar with the talks").
MAX_TRAILING_WORDS = 10


def _stray_subject(verb: Token) -> Token | None:
    """ "In Kiev, Defense Minister Rustem Umerov, who led the delegation, said …": the parser
    left the main verb without a subject and hung the name elsewhere. The speaker is the name
    right before the verb, past commas and any clause that name carries."""
    if (
        verb.tag_ in ("VBD", "VBN", "VBZ")
        and verb.head.i < verb.i
        and verb.head.dep_ == "ROOT"
        and verb.head.ent_type_ == "PERSON"
    ):
        return verb.head  # "Trump, for his part, posted …": the name parsed as the root
    if verb.dep_ != "ROOT" or not is_finite(verb):
        return None
    doc, first = verb.doc, verb.sent.start
    # Where each clause hung on a name ends (its last word) → where it starts.
    clauses: dict[int, int] = {}
    for token in doc[first : verb.i]:
        if token.dep_ in ("relcl", "acl", "appos"):
            last = token.right_edge.i
            while last > token.i and doc[last].is_punct:
                last -= 1
            clauses[last] = min(clauses.get(last, last), token.left_edge.i)
    position = verb.i - 1
    while position >= first and (doc[position].is_punct or position in clauses):
        position = position - 1 if doc[position].is_punct else clauses[position] - 1
    if position < first:
        return None
    name = doc[position]
    return name if name.ent_type_ == "PERSON" else None


def _quoted_as_saying(verb: Token) -> Token | None:
    """ "TASS quoted Peskov as saying that …", "Interfax cited Lavrov as saying …": the one
    quoted speaks (the outlet carries the words)."""
    preposition = verb.head
    if verb.dep_ != "pcomp" or preposition.lower_ != "as" or preposition.dep_ != "prep":
        return None
    reporting = preposition.head
    if reporting.lemma_.lower() not in ("quote", "cite"):
        return None
    return next((c for c in reporting.children if c.dep_ == "dobj"), None)


def _agent(verb: Token) -> Token | None:
    """ "was rejected by Kyiv": Kyiv."""
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _grammatical_subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and not is_passive(verb)):
            return child
    return None


def _shared_subject(verb: Token) -> Token | None:
    """The subject of the verb a second verb continues."""
    if is_reporting_participle(verb):
        # The parser may hang the participle inside the first claim; its speaker is the
        # speaker of the nearest reporting verb above it.
        head = verb.head
        while head.head.i != head.i and not is_communication_verb(head):
            head = head.head
        if is_communication_verb(head):
            return subject_of(head)
    return subject_of(verb.head)
