"""Claim spans: what a speech verb (or a position noun) reports, as a token range of its
paragraph: its complement clause(s), its object and what follows, a parenthesis's clause;
without "that", narrator frames or a trailing ", which X said" clause.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.extraction.claim_repairs import (
    colon_claim,
    misattached_clauses,
    restriction_end,
    trailing_claim,
)
from app.extraction.cues import a_prospect, in_favour_of
from app.extraction.lexicon import (
    OBJECT_CLAIM_VERBS,
    REQUEST_VERBS,
)
from app.extraction.noun_claims import that_clause
from app.extraction.subjects import trailing_subject
from app.extraction.verbs import (
    SUBJECT_DEPS,
    is_absolute_speech,
    is_communication_verb,
    is_reporting_participle,
)

CLAIM_PREPOSITIONS = {"of", "as", "for", "against", "over", "to", "on", "about", "that"}


# Verbs whose preposition names a topic, not a claim: "commented on the failure".
TOPIC_VERBS = {"comment", "respond", "reply", "react", "speak", "talk", "answer", "remark", "ask"}


OPENING = {'"', "'", "“", "‘", "«"}


CLOSING = {'"', "'", "”", "’", "»"}


FRAME_MARKS = {"after", "before", "following", "ahead"}


ATTACK_VERBS = {"lash", "rail", "hit", "swipe", "snap", "take", "fire", "strike"}


MEDIUM_VERBS = {"post", "write", "tweet", "say", "announce", "state", "tell", "declare", "add"}


def _unbalanced(text: str) -> bool:
    return (
        text.count('"') % 2 == 1
        or text.count("“") > text.count("”")
        or text.count("‘") > text.count("’")
        or text.count("'") % 2 == 1
    )


def _terms_of(mark: str, clause: Token) -> bool:
    """ "troops could deploy after a ceasefire": "after" on what will or would happen states
    when (on what condition), and belongs to the claim."""
    return mark == "after" and a_prospect(clause)


def _is_narrator_frame(token: Token, clause: Token) -> bool:
    """A trailing "after five hours of talks …" or ", raising doubts …" added by the writer."""
    if token.head.i != clause.i or token.dep_ not in ("advcl", "prep") or token.i < clause.i:
        return False
    if token.lower_ == "according":
        return True  # "…, according to a statement": the source, not the claim
    if any(child.lower_ == "only" for child in token.children) or (
        token.i > 0 and token.doc[token.i - 1].lower_ == "only"
    ):
        return False  # "only after a ceasefire" is a condition of the claim
    if token.dep_ == "prep":
        return token.lower_ in FRAME_MARKS and not _terms_of(token.lower_, clause)
    marks = {child.lower_ for child in token.children if child.dep_ == "mark"}
    if marks & FRAME_MARKS:
        return not any(_terms_of(mark, clause) for mark in marks)
    before = token.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
    return token.tag_ == "VBG" and before is not None and before.text == ","


def _coordinated_that(verb: Token) -> bool:
    """A conjunct with its own "that" and subject: a second complement clause."""
    return any(g.dep_ == "mark" and g.lower_ == "that" for g in verb.children) and any(
        g.dep_ in ("nsubj", "nsubjpass") for g in verb.children
    )


def clause_ranges(clause: Token) -> list[tuple[int, int]]:
    """A complement clause's range, split where "…, and that B" coordinates a second clause,
    and cut before a trailing reporting participle (which makes a statement of its own)."""
    doc = clause.doc
    excluded = [
        child
        for child in clause.subtree
        if child.i != clause.i
        and (
            is_reporting_participle(child)
            or _is_narrator_frame(child, clause)
            or (
                child.lower_ == "with"
                and child.head.i == clause.i
                and any(is_absolute_speech(g) for g in child.children)
            )
            or (child.head.i == clause.i and is_absolute_speech(child))
            # "…to Kyiv, which Zelensky said he would discuss": someone else's words
            or (non_restrictive(child) and is_communication_verb(child))
            or (
                child.dep_ == "conj"
                and any(g.dep_ == "mark" for g in child.children)
                # "…, and that B" on the clause; or hung deeper by the parser ("would not
                # accept deadlines imposed from outside and that the root causes must go")
                and (child.head.i == clause.i or _coordinated_that(child))
            )
        )
    ]
    end = clause.right_edge.i + 1
    for child in excluded:
        if child.left_edge.i > clause.i:
            end = min(end, child.left_edge.i)
    start = clause.left_edge.i
    mark = next((c for c in clause.children if c.dep_ == "mark" and c.i < clause.i), None)
    if mark is not None and all(t.dep_ in ("advmod", "punct") for t in doc[start : mark.i]):
        # "that", "whether", "if" introduce the clause, and a time adverb the parser hung
        # before them ("said earlier that …") belongs to the speech act: neither is the claim.
        start = mark.i + 1
    ranges = [trim_range(doc, start, end)]
    for child in excluded:
        if child.dep_ == "conj":
            ranges.extend(clause_ranges(child))
    return [r for r in ranges if r is not None]


QUESTION_VERBS = {"ask", "wonder", "clarify", "inquire", "enquire"}


def _indirect_question(verb: Token, clause: Token) -> bool:
    """ "asked to clarify whether Putin agreed": a question put to the speaker is not a claim."""
    mark = next((c for c in clause.children if c.dep_ == "mark" and c.i < clause.i), None)
    if mark is None:
        return False
    return mark.lower_ == "whether" or (
        mark.lower_ == "if" and verb.lemma_.lower() in QUESTION_VERBS
    )


def claim_ranges(verb: Token) -> list[tuple[int, int]]:
    """Token ranges of what the verb reports: its clause(s), or its object and what follows."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and not _indirect_question(verb, c)]
    if not clauses:
        clauses = misattached_clauses(verb)
    if len(clauses) > 1 and all(c.i > verb.i for c in clauses):
        # One clause split in two by the parser ("X was willing … provided that …").
        first, last = clauses[0], clauses[-1]
        start = first.left_edge.i
        if first.left_edge.dep_ == "mark":
            start += 1
        merged = trim_range(verb.doc, start, last.right_edge.i + 1)
        return [merged] if merged else []
    if clauses:
        ranges = clause_ranges(clauses[0])
        restricted = restriction_end(verb, clauses[0])
        if restricted is not None and ranges:
            ranges[-1] = (ranges[-1][0], restricted)
        return ranges
    if verb.lemma_.lower() == "describe" and not _describes_as(verb):
        return []  # "described the meeting": a description of something, not a claim
    introduced = _as_clause_claim(verb) or _parenthetical_claim(verb)
    if introduced is None and (after := colon_claim(verb)) is not None:
        introduced = trim_range(verb.doc, *after)
    if introduced is None and (before := trailing_claim(verb, trailing_subject(verb))):
        introduced = trim_range(verb.doc, *before)
    if introduced is not None:
        return [introduced]
    claim = claim_range(verb)
    return [claim] if claim else []


def _describes_as(verb: Token) -> bool:
    """ "described the talks as useful": "as" hangs on the verb or, as the small model often
    has it, on the verb's object."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    return any(c.lower_ == "as" for t in [verb, *objects] for c in t.children)


def _as_clause_claim(verb: Token) -> tuple[int, int] | None:
    """ "As Vance told reporters, Europe will …": the main clause is the claim."""
    if verb.dep_ != "advcl" or not any(
        c.dep_ == "mark" and c.lower_ == "as" for c in verb.children
    ):
        return None
    head = verb.head
    start = verb.right_edge.i + 1
    if start > head.i:
        start = head.left_edge.i
    return trim_range(verb.doc, max(start, head.left_edge.i), head.right_edge.i + 1)


def _parenthetical_claim(verb: Token) -> tuple[int, int] | None:
    """ "At the same time, he said, a backstop is the only way" / "Talks will resume, he said":
    a speech verb set into the clause it reports. The claim is the clause's stretch after the
    parenthesis (or before it, when the verb comes last); when the clause's subject stands
    before the parenthesis ("Ukraine, Zelensky said, will never …"), the claim runs across it."""
    if verb.dep_ != "parataxis" or any(c.dep_ in ("dobj", "xcomp") for c in verb.children):
        return None
    head = verb.head
    if head.pos_ not in ("VERB", "AUX") or head.i == verb.i:
        return None
    if verb.left_edge.i > head.i:
        start, end = head.left_edge.i, verb.left_edge.i  # "…, he said."
        end = min(end, head.right_edge.i + 1)
    else:
        start, end = verb.right_edge.i + 1, head.right_edge.i + 1  # "X, he said, is …"
        subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None and subject.i < verb.left_edge.i:
            # "Ukraine, Zelensky said, will never …": the claim runs across the parenthesis.
            start = subject.left_edge.i
    return trim_range(verb.doc, start, end)


def asked_for(verb: Token) -> Token | None:
    """ "asked Trump for more air defence": the "for" of a request names what is asked."""
    if verb.lemma_.lower() not in REQUEST_VERBS:
        return None
    return next(
        (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "for" and c.i > verb.i),
        None,
    )


def claim_range(verb: Token) -> tuple[int, int] | None:
    """The token range of what the verb reports when it has no clause: object and what follows."""
    doc = verb.doc
    children = list(verb.children)
    wanted = asked_for(verb)
    if wanted is not None:
        return trim_range(doc, wanted.i + 1, wanted.right_edge.i + 1)
    obj = next((c for c in children if c.dep_ in ("dobj", "obj") and c.i > verb.i), None)
    tail = [
        c
        for c in children
        if c.i > verb.i
        and (
            c.dep_ in ("xcomp", "oprd")  # "called the talks “very productive”"
            # "called for Ukraine to give up …", the infinitive parsed as an adverbial clause
            # (not a purpose: "called Putin on Friday to demand a ceasefire")
            or (
                c.dep_ == "advcl"
                and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
                and any(p.dep_ == "prep" and p.lower_ == "for" for p in children)
            )
            or (
                c.dep_ in ("prep", "dative")
                and c.lower_ in CLAIM_PREPOSITIONS
                and verb.lemma_.lower() not in TOPIC_VERBS
                and not _is_time(c)
                and not _is_medium(verb, c)
            )
            or _stance_preposition(verb, c)
        )
    ]
    # "demands that Kyiv has rejected": the noun is what was spoken of; but in "the draft,
    # which called for Ukraine to give up …" the noun speaks, and what follows is the claim.
    speaks = any(c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in children) and tail
    if verb.dep_ == "relcl" and (obj is None or obj.tag_ in ("WDT", "WP")) and not speaks:
        return _relative_claim(verb) if verb.lemma_.lower() in OBJECT_CLAIM_VERBS else None
    if obj is not None:
        # "expressed confidence that X": the noun's own clause is the claim.
        noun_clause = that_clause(obj)
        if noun_clause is not None:
            ranges = clause_ranges(noun_clause)
            return ranges[0] if ranges else None
    if obj is not None and (verb.lemma_.lower() in OBJECT_CLAIM_VERBS or tail):
        # "demanded weapons from the West": whom the object is wanted from belongs to it.
        sources = [c for c in children if c.dep_ == "prep" and c.lower_ == "from" and c.i > obj.i]
        right = max([_restrictive_edge(obj)] + [c.right_edge.i for c in tail + sources])
        return trim_range(doc, obj.left_edge.i, right + 1)
    if tail:
        first = min(tail, key=lambda c: c.i)
        left = (
            first.i + 1
            if first.dep_ == "prep" and first.lower_ in ("for", "on", "about", "against", "at")
            else first.left_edge.i
        )
        if first.dep_ == "prep" and first.lower_ == "in" and _stance_preposition(verb, first):
            left = first.i + 3  # "spoke in favor of X": X
        right = max(c.right_edge.i for c in tail)
        if verb.dep_ == "relcl" and verb.left_edge.i > 0 and doc[verb.left_edge.i - 1].text == ",":
            # "That draft, which called for X, alarmed Kyiv": the clause ends at its comma
            right = next((t.i - 1 for t in doc[left : right + 1] if t.text == ","), right)
        return trim_range(doc, left, right + 1)
    return None


def _stance_preposition(verb: Token, preposition: Token) -> bool:
    """ "spoke in favor of a truce", "argued against the plan", "lashed out at Kyiv": the
    preposition's object is what the speaker took a side on."""
    if preposition.dep_ != "prep":
        return False
    lemma = verb.lemma_.lower()
    if preposition.lower_ == "in":
        return in_favour_of(preposition)
    if preposition.lower_ == "at":
        return lemma in ATTACK_VERBS and any(c.lower_ == "out" for c in verb.children)
    return preposition.lower_ == "against" and lemma in TOPIC_VERBS


def _restrictive_edge(noun: Token) -> int:
    """The last token of a noun phrase without a trailing ", which …" clause: that clause adds
    the writer's (or someone else's) words, not the speaker's."""
    right = noun.right_edge.i
    for child in noun.children:
        if non_restrictive(child) and child.left_edge.i > noun.i:
            right = min(right, child.left_edge.i - 2)
    return right


def non_restrictive(clause: Token) -> bool:
    """A relative clause set off by a comma: ", which …"."""
    return (
        clause.dep_ == "relcl"
        and clause.left_edge.i > 0
        and clause.doc[clause.left_edge.i - 1].text == ","
    )


def _relative_claim(verb: Token) -> tuple[int, int] | None:
    """ "demands that Kyiv has rejected": the claim is the noun phrase the clause modifies."""
    noun = verb.head
    top = noun
    while (
        top.dep_ == "pobj"
        and top.head.dep_ == "prep"
        and top.head.head.pos_ in ("NOUN", "PRON", "NUM")
    ):
        top = top.head.head
    return trim_range(verb.doc, top.left_edge.i, verb.right_edge.i + 1)


def _is_medium(verb: Token, preposition: Token) -> bool:
    """ "posted on Truth Social", "said on television": where it was said, not what."""
    return verb.lemma_.lower() in MEDIUM_VERBS and preposition.lower_ == "on"


def _is_time(preposition: Token) -> bool:
    """ "on Wednesday", "in March": a time, not what was said ("for an attack last week" is
    about the attack)."""
    return any(
        child.dep_ == "pobj" and child.ent_type_ in ("DATE", "TIME")
        for child in preposition.children
    )


def trim_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing punctuation and spaces and a trailing conjunction (keeping a
    closing quotation mark whose opening mark is inside); None if too little is left."""
    while start < end and (
        doc[start].is_space or (doc[start].is_punct and doc[start].text not in OPENING)
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].dep_ == "cc"
    ):
        end -= 1  # also a conjunction left hanging: "a deal was possible but"
    span_text = doc[start:end].text
    closing = end
    while (
        closing < len(doc)
        and doc[closing].text in (".", ",", "!", "?")
        and not doc[closing].whitespace_
    ):
        closing += 1  # "dismissed it as “unacceptable.”": the mark closes right after the stop
    if closing < len(doc) and doc[closing].text in CLOSING and _unbalanced(span_text):
        end = closing + 1
    words = [t for t in doc[start:end] if t.is_alpha]
    if len(words) < 2:
        return None
    return start, end
