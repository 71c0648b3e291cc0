"""Attribution: which verb introduces speech, who its speaker is, and what clause it reports.

Works on one parsed paragraph at a time. Quotes get the nearest attribution in their sentence,
then a colon introduction, then the paragraph's, then the previous quote's speaker. Reported
speech is the complement of a communication verb (or what "according to X" frames).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from app.extraction.cues import in_favour_of
from app.extraction.lexicon import (
    ATTITUDE_VERBS,
    COMMUNICATION_VERBS,
    OBJECT_CLAIM_VERBS,
    ONGOING_VERBS,
    POSITION_NOUNS,
    PUBLICATION_WORDS,
    WEAK_COMMUNICATION_VERBS,
)
from app.extraction.nearest import NearestAttribution
from app.extraction.offsets import Ranges, sentence_at, tokens_before
from app.extraction.quotes import Quote
from app.extraction.speakers import Discourse, Speaker, SpeakerResolver

PRONOUNS = {"he", "she", "they", "it"}
NAMED_HOW = {"name", "collective", "role", "new"}
DISCLOSURE_VERBS = {
    "comment",
    "give",
    "elaborate",
    "disclose",
    "specify",
    "provide",
    "reveal",
    "say",
    "discuss",
    "answer",
    "confirm",
    "name",
    "detail",
    "share",
}

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Passive verbs that report a judgement or a statement even with no agent named.
AGENTLESS_VERBS = frozenset(
    """
    criticize criticise condemn accuse blame praise welcome reject dismiss slam denounce agree
    """.split()
)
CLAIM_PREPOSITIONS = {"of", "as", "for", "against", "over", "to", "on", "about", "that"}
# Verbs whose preposition names a topic, not a claim: "commented on the failure".
TOPIC_VERBS = {"comment", "respond", "reply", "react", "speak", "talk", "answer", "remark", "ask"}
OPENING = {'"', "'", "“", "‘", "«"}
CLOSING = {'"', "'", "”", "’", "»"}


def _unbalanced(text: str) -> bool:
    return (
        text.count('"') % 2 == 1
        or text.count("“") > text.count("”")
        or text.count("‘") > text.count("’")
        or text.count("'") % 2 == 1
    )


@dataclass
class Attribution:
    """A communication verb (or "according to") with its resolved speaker."""

    speaker: Speaker
    anchor: Token  # the verb, or "according"
    sentence: Span
    claim: tuple[int, int] | None = None  # doc token range of the reported clause
    more_claims: tuple[tuple[int, int], ...] = ()  # "…, and that B": further clauses of one verb
    quote_only: bool = False  # "asked X" with no clause of its own can only introduce a quote


def is_communication_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in COMMUNICATION_VERBS


def _holds_attitude(token: Token) -> bool:
    """ "European leaders fear that …", "Kyiv hopes the talks …": an attitude with a claim of
    its own is attributed like speech (the gold convention's "attributed attitudes")."""
    return (
        token.pos_ == "VERB"
        and token.lemma_.lower() in ATTITUDE_VERBS
        and any(child.dep_ == "ccomp" for child in token.children)
        and not any(child.dep_ == "neg" for child in token.children)
    )


def _is_passive(verb: Token) -> bool:
    return any(child.dep_ == "auxpass" for child in verb.children)


def subject_of(verb: Token) -> Token | None:
    """Who speaks: the verb's subject, or in the passive its agent ("was rejected by Kyiv";
    the passive subject is what was spoken about)."""
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    for child in verb.children:
        if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and not _is_passive(verb)):
            return child
    if _is_passive(verb):
        return None
    if verb.dep_ == "xcomp" and any(c.dep_ in ("acomp", "attr") for c in verb.head.children):
        return None  # "it is necessary to agree on …": nobody agreed yet
    # "X said … and added", "X said …, adding that …": the second verb shares the first's subject.
    if (
        verb.dep_ in ("conj", "advcl", "xcomp")
        and verb.head.pos_ in ("VERB", "AUX")
        and verb.head.i != verb.i
    ):
        if _is_reporting_participle(verb):
            # The parser may hang the participle inside the first claim; its speaker is the
            # speaker of the nearest reporting verb above it.
            head = verb.head
            while head.head.i != head.i and not is_communication_verb(head):
                head = head.head
            if is_communication_verb(head):
                return subject_of(head)
        return subject_of(verb.head)
    return None


class ParagraphAttributor:
    def __init__(self, resolver: SpeakerResolver) -> None:
        self.resolver = resolver

    def attributions(
        self, doc: Doc, quote_ranges: Ranges, on: date | None, discourse: Discourse
    ) -> list[Attribution]:
        found: list[Attribution] = []
        discourse.paragraph_people = []
        for token in doc:
            if token.idx in quote_ranges:
                continue
            if (
                token.lower_ == "according"
                and token.i + 1 < len(doc)
                and doc[token.i + 1].lower_ == "to"
            ):
                attribution = self._according_to(token, doc, on, discourse)
            elif is_communication_verb(token) or _holds_attitude(token):
                attribution = self._verb(token, on, discourse)
            elif token.lemma_.lower() in POSITION_NOUNS and token.pos_ == "NOUN":
                attribution = self._position_noun(token, on, discourse)
            else:
                attribution = None
                if token.dep_ in SUBJECT_DEPS and token.pos_ in ("PROPN", "NOUN"):
                    # Someone doing something else is still the likeliest "he" or "she" later.
                    mention = self.resolver.resolve(token, on, discourse)
                    if mention is not None and mention.name:
                        discourse.remember(mention)
                        if mention.kind == "person":
                            discourse.paragraph_people.append((token.idx, mention))
            if attribution is not None:
                found.append(attribution)
                discourse.remember(attribution.speaker)
        return _outermost(found)

    def quoted_speech(
        self, doc: Doc, quote_ranges: Ranges, on: date | None, discourse: Discourse
    ) -> list[Attribution]:
        """Speech a quoted speaker reports ("“Trump clearly explained that Europe will pay”"):
        a named speaker, a finite verb that is not negated, and a clause within the quote."""
        found = []
        for token in doc:
            quote = quote_ranges.covering(token.idx)
            if quote is None or not is_communication_verb(token) or not _finite(token):
                continue
            if any(child.dep_ == "neg" for child in token.children):
                continue
            subject = subject_of(token)
            if subject is None or subject.lower_ in PRONOUNS | {"i", "we", "you"}:
                continue
            speaker = self.resolver.resolve(subject, on, discourse)
            if speaker is None or speaker.name is None or speaker.how not in NAMED_HOW:
                continue
            clauses = [c for c in token.children if c.dep_ == "ccomp"]
            claims = _clause_ranges(clauses[0]) if clauses else []
            claims = [
                (first, last)
                for first, last in claims
                if quote[0] <= doc[first].idx and doc[last - 1].idx < quote[1]
            ]
            if claims:
                found.append(
                    Attribution(speaker=speaker, anchor=token, sentence=token.sent, claim=claims[0])
                )
        return found

    def _verb(self, verb: Token, on: date | None, discourse: Discourse) -> Attribution | None:
        subject = subject_of(verb)
        if subject is None and _is_passive(verb) and verb.lemma_.lower() in AGENTLESS_VERBS:
            # "The plan was criticized for …", "it was agreed that …": said by no one named.
            speaker: Speaker | None = Speaker(name=None, kind="group", how="unnamed")
        elif subject is None:
            return None
        else:
            speaker = self.resolver.resolve(subject, on, discourse)
        if speaker is None:
            return None
        if verb.lemma_.lower() == "ask" and verb.tag_ == "VBN":
            return None  # "Asked whether …, X said": the question is not the speaker's claim
        if verb.lemma_.lower() in ("refuse", "decline") and any(
            child.dep_ == "xcomp" and child.lemma_.lower() in DISCLOSURE_VERBS
            for child in verb.children
        ):
            return None  # "refused to give details": nothing was said
        claims = claim_ranges(verb)
        if not claims and _is_passive(verb):
            target = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            claim = (
                trim_range(verb.doc, target.left_edge.i, target.right_edge.i + 1)
                if target is not None and target.tag_ not in ("PRP", "WDT", "WP")
                else None
            )
            claims = [claim] if claim else []
        return Attribution(
            speaker=speaker,
            anchor=verb,
            sentence=verb.sent,
            claim=claims[0] if claims else None,
            more_claims=tuple(claims[1:]),
            quote_only=verb.lemma_.lower() in WEAK_COMMUNICATION_VERBS and not claims,
        )

    def _position_noun(
        self, noun: Token, on: date | None, discourse: Discourse
    ) -> Attribution | None:
        """ "Kyiv's view that Russia is stalling": the possessor holds the position."""
        holder = next((child for child in noun.children if child.dep_ == "poss"), None)
        if holder is None:
            return None
        clause = that_clause(noun)
        if clause is not None:
            claims = _clause_ranges(clause)
        else:
            # "Trump's threat to impose tariffs", "Erdogan's offer to host the talks", "Trump's
            # call for a ceasefire along the front"
            plan = _infinitive_of(noun) or _for_object(noun)
            if plan is None:
                return None
            claims = [
                r for r in [trim_range(noun.doc, plan.left_edge.i, plan.right_edge.i + 1)] if r
            ]
        speaker = self.resolver.resolve(holder, on, discourse)
        if speaker is None:
            return None
        if not claims:
            return None
        return Attribution(
            speaker=speaker,
            anchor=noun,
            sentence=noun.sent,
            claim=claims[0],
            more_claims=tuple(claims[1:]),
        )

    def _according_to(
        self, according: Token, doc: Doc, on: date | None, discourse: Discourse
    ) -> Attribution | None:
        to = doc[according.i + 1]
        source = next((child for child in to.children if child.dep_ == "pobj"), None)
        if source is None:
            source = next((child for child in according.children if child.dep_ == "pobj"), None)
        if source is not None and source.lemma_.lower() in PUBLICATION_WORDS:
            # "according to reports from Bloomberg": the publisher is the source.
            publisher = next(
                (
                    pobj
                    for prep in source.children
                    if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of", "in")
                    for pobj in prep.children
                    if pobj.dep_ == "pobj"
                ),
                None,
            )
            if publisher is None:
                # "according to a White House statement", "according to the Kremlin's readout"
                publisher = next(
                    (
                        child
                        for child in source.children
                        if child.dep_ in ("compound", "poss") and child.ent_type_
                    ),
                    None,
                )
            phrase: Token | None = source
            speaking = publisher
        else:
            phrase = speaking = source
        if speaking is None or phrase is None:
            return None
        speaker = self.resolver.resolve(speaking, on, discourse)
        if speaker is None:
            return None
        sentence = according.sent
        phrase_end = max(t.i for t in phrase.subtree) + 1
        phrase_start = according.i
        if phrase_start - sentence.start <= 1:
            claim = (phrase_end, sentence.end)
        else:
            claim = (sentence.start, phrase_start)
        return Attribution(
            speaker=speaker, anchor=according, sentence=sentence, claim=trim_range(doc, *claim)
        )

    def quote_speakers(
        self,
        doc: Doc,
        quotes: list[tuple[Quote, int, int]],
        attributions: list[Attribution],
        previous: Speaker | None,
        opens_paragraph: bool,
        on: date | None,
        discourse: Discourse,
    ) -> list[tuple[Quote, Speaker | None, float, Span]]:
        """A speaker for each quote (given with its doc character range)."""
        results: list[tuple[Quote, Speaker | None, float, Span]] = []
        if not quotes:
            return results
        nearest = NearestAttribution(
            doc, attributions, Ranges([(start, end) for _q, start, end in quotes])
        )
        for position, (quote, start, end) in enumerate(quotes):
            sentence = sentence_at(doc, start)
            speaker, confidence = None, 0.3
            if quote.attribution is not None:
                offset = quote.start - start
                local_attribution = (quote.attribution[0] - offset, quote.attribution[1] - offset)
                speaker = self._dash_attribution(doc, quote, local_attribution, on, discourse)
                confidence = 0.85
            if speaker is None:
                speaker = nearest.in_sentence(start, end)
                confidence = 0.9
            if speaker is None:
                speaker = self._trailing_attribution(doc, end, on, discourse)
                confidence = 0.8
            if speaker is None:
                speaker = self._colon_intro(doc, start, on, discourse)
                confidence = 0.75
            if speaker is None:
                speaker = nearest.in_paragraph(start, end)
                confidence = 0.65
            if speaker is None and position > 0 and results[-1][1] is not None:
                speaker, confidence = results[-1][1], 0.6
            if speaker is None and previous is not None and (opens_paragraph or position == 0):
                speaker, confidence = previous, 0.55
            if speaker is None and discourse.paragraph_people:
                # "Witkoff described the meeting. “…”": the person the paragraph is about.
                speaker, confidence = _nearest_person(discourse.paragraph_people, start), 0.45
            confidence = 0.3 if speaker is None else min(confidence, speaker.confidence + 0.05)
            results.append((quote, speaker, confidence, sentence))
        return results

    def _dash_attribution(
        self, doc: Doc, quote: Quote, local: tuple[int, int], on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "- … - Zelensky said at a press conference.": the parse of such a line is
        unreliable, so the speaker is the name (or pronoun) next to a speech verb after the dash."""
        start, end = local
        region = [t for t in doc if start <= t.idx < end]
        if not any(
            is_communication_verb(t) or t.lemma_.lower() in COMMUNICATION_VERBS for t in region
        ):
            return None
        return self._first_speaker(region, on, discourse, named=False)

    def _trailing_attribution(
        self, doc: Doc, end: int, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "“…,” Trump posted on Truth Social." read from the words, when the parse of the
        line has gone astray: a name (or pronoun) and a speech verb right after the quote, in
        its sentence and before any other quote."""
        sentence = sentence_at(doc, max(end - 1, 0))
        after = []
        for token in doc[sentence.start : sentence.end]:
            if token.idx < end or token.is_space:
                continue
            if token.text in OPENING:
                break  # the next quote starts: its words are not this one's attribution
            if not token.is_punct:
                after.append(token)
        after = after[:6]
        verbs = [i for i, t in enumerate(after) if t.lemma_.lower() in COMMUNICATION_VERBS]
        if not verbs or verbs[0] > 4:
            return None
        first_verb = verbs[0]
        near = after[:first_verb] or after[first_verb + 1 : first_verb + 4]
        return self._first_speaker(near, on, discourse, named=True)

    def _first_speaker(
        self, tokens: list[Token], on: date | None, discourse: Discourse, *, named: bool
    ) -> Speaker | None:
        """The first name or pronoun among ``tokens`` that resolves to a speaker (a named one,
        if ``named``): how a speech line is read when its parse cannot be trusted."""
        for token in tokens:
            if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.lower_ in PRONOUNS:
                speaker = self.resolver.resolve(token, on, discourse)
                if speaker is not None and (speaker.name or not named):
                    return speaker
        return None

    def _colon_intro(
        self, doc: Doc, start: int, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "Rutte's message was short: '…'" — the clause before a colon names the speaker."""
        last = tokens_before(doc, start) - 1
        while last >= 0 and (doc[last].is_space or doc[last].text in "\"'“‘«"):
            last -= 1
        if last < 0 or doc[last].text != ":":
            return None
        colon = doc[last]
        subjects = [t for t in colon.sent if t.i < colon.i and t.dep_ in SUBJECT_DEPS]
        if not subjects:
            return None
        subject = subjects[0]
        speaker = self.resolver.resolve(subject, on, discourse)
        if speaker is None:
            # "Mark Rutte's message to Moscow was short:" — the possessor speaks.
            owner = next((c for c in subject.children if c.dep_ == "poss"), None)
            speaker = self.resolver.resolve(owner, on, discourse) if owner is not None else None
        return speaker


def _for_object(noun: Token) -> Token | None:
    """What a demand or call is for ("call for a ceasefire")."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _infinitive_of(noun: Token) -> Token | None:
    """The "to …" clause a noun carries ("threat to impose tariffs")."""
    return next(
        (
            child
            for child in noun.children
            if child.dep_ in ("acl", "xcomp", "relcl")
            and child.pos_ in ("VERB", "AUX")
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in child.children)
        ),
        None,
    )


def that_clause(noun: Token) -> Token | None:
    """The "that …" clause a noun carries ("the view that …", "confidence that …")."""
    return next(
        (
            child
            for child in noun.children
            if child.dep_ in ("acl", "ccomp")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in child.children)
        ),
        None,
    )


def _outermost(attributions: list[Attribution]) -> list[Attribution]:
    """Speech reported inside another claim belongs to the outer speaker's claim ("Peskov said
    it was wrong to say Putin rejected the plan"), unless the outer speaker presents it as having
    happened ("The FT reported that Putin told Witkoff that …"): then it is a statement too."""
    kept = []
    for attribution, outer in zip(attributions, _enclosing(attributions), strict=True):
        anchor = attribution.anchor
        if (
            not outer
            or _is_reporting_participle(anchor)
            or _is_absolute_speech(anchor)
            # "dismissed Trump's threat to impose tariffs": the possessive takes the threat
            # as made, whatever the outer speaker thinks of it.
            or anchor.pos_ == "NOUN"
            or _asserted_by_all(attribution, outer)
        ):
            kept.append(attribution)
    return kept


def _asserted_by_all(attribution: Attribution, outer: list[Attribution]) -> bool:
    """Whether every outer speaker, each someone else, presents this speech as having happened."""
    name = attribution.speaker.name
    if name is None or any(other.speaker.name == name for other in outer):
        return False
    chain = _assertion_chain(attribution.anchor)
    return all(_reports_as_happened(other.anchor, attribution.anchor, chain) for other in outer)


def _enclosing(attributions: list[Attribution]) -> list[list[Attribution]]:
    """For each attribution, the others whose claim holds its anchor, in list order. One sweep
    by anchor position: a claim joins when its start is reached, leaves once passed."""
    claims = sorted(
        (attribution.claim[0], attribution.claim[1], order)
        for order, attribution in enumerate(attributions)
        if attribution.claim is not None
    )
    found: list[list[Attribution]] = [[] for _ in attributions]
    active: list[tuple[int, int, int]] = []
    added = 0
    for order in sorted(range(len(attributions)), key=lambda k: attributions[k].anchor.i):
        anchor = attributions[order].anchor.i
        while added < len(claims) and claims[added][0] <= anchor:
            active.append(claims[added])
            added += 1
        active = [claim for claim in active if anchor < claim[1]]
        found[order] = [
            attributions[k] for _s, _e, k in sorted(active, key=lambda c: c[2]) if k != order
        ]
    return found


# Outer verbs that cast doubt on what they report: "denied that Putin had offered …".
DOUBTING_VERBS = {"deny", "dismiss", "reject", "refute", "dispute", "question", "doubt", "rebuff"}
FINITE_TAGS = {"VBD", "VBZ", "VBP"}


def _reports_as_happened(outer: Token, inner: Token, chain: set[int] | None) -> bool:
    """Whether the outer speech act asserts that the inner one took place: a finite inner verb
    reached from the outer one through complement clauses only, and nothing negated or doubted
    on the way ("said Putin told him" yes; "denied Putin said", "wrong to say" no). ``chain``
    is ``_assertion_chain(inner)``, worked out once for all the outer verbs."""
    if inner.lemma_.lower() in ATTITUDE_VERBS:
        return False  # "suggested that Russia believes …": the outer speaker's reading of minds
    if outer.lower_ == "according":
        # "X told Y that …, according to a statement": the source vouches for X's words.
        return _finite(inner) and not any(child.dep_ == "neg" for child in inner.children)
    if outer.pos_ not in ("VERB", "AUX") or outer.lemma_.lower() in DOUBTING_VERBS:
        return False
    if chain is None or outer.i not in chain:
        return False
    return not any(child.dep_ == "neg" for child in outer.children)


def _assertion_chain(inner: Token) -> set[int] | None:
    """The verbs that can assert ``inner`` took place: its clause, then each head above it
    through complement clauses, up to the first clause that is negated or not a complement.
    None when the clause is not finite with a subject of its own."""
    clause = _ongoing_head(inner) or inner  # "Kyiv continues to demand": "continues" is finite
    if not _finite(clause) or not any(child.dep_ in SUBJECT_DEPS for child in clause.children):
        return None  # a verb sharing the outer clause's subject is that clause's own action
    chain = {clause.i}
    current = clause
    while (
        current.dep_ in ("ccomp", "conj")
        and current.head.i != current.i
        and not any(child.dep_ == "neg" for child in current.children)
    ):
        current = current.head
        chain.add(current.i)
    return chain


def _ongoing_head(verb: Token) -> Token | None:
    """ "continues" for "demand" in "Kyiv continues to demand weapons" / "keeps requesting"."""
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ONGOING_VERBS:
        return verb.head
    return None


def _finite(verb: Token) -> bool:
    if verb.tag_ in FINITE_TAGS:
        return True
    # "had told", "has said": a perfect is finite through its auxiliary.
    return verb.tag_ == "VBN" and any(
        child.dep_ == "aux" and child.tag_ in FINITE_TAGS and child.lemma_ == "have"
        for child in verb.children
    )


def _nearest_person(people: list[tuple[int, Speaker]], start: int) -> Speaker:
    """The person named nearest ``start`` (the earlier on a tie); ``people`` is in text order."""
    position = bisect_left(people, start, key=lambda item: item[0])
    nearby = people[max(position - 1, 0) : position + 1]
    return min(nearby, key=lambda item: abs(item[0] - start))[1]


def _is_reporting_participle(token: Token) -> bool:
    """ "…, adding that", "…, maintaining that": a second speech act by the same speaker."""
    return (
        token.tag_ == "VBG"
        and token.lemma_.lower() in COMMUNICATION_VERBS
        and not any(child.dep_ in SUBJECT_DEPS for child in token.children)
        and not (token.dep_ == "xcomp" and token.head.lemma_.lower() in ASPECT_VERBS)
    )


FRAME_MARKS = {"after", "before", "following", "ahead"}


CONTRAST_MARKS = {"while", "whereas"}
# "keep requesting", "continue demanding", "stop saying": the -ing verb is the clause's own.
ASPECT_VERBS = ONGOING_VERBS | {"stop", "start", "begin", "quit"}


def _is_absolute_speech(token: Token) -> bool:
    """ "…, with the White House suggesting that …" / "…, while Moscow claimed that …": a second
    speaker's speech act attached to the sentence, not part of the first speaker's claim."""
    if token.lemma_.lower() not in COMMUNICATION_VERBS or not any(
        child.dep_ in SUBJECT_DEPS for child in token.children
    ):
        return False
    if token.tag_ == "VBG" and token.head.lower_ == "with":
        return True
    return token.dep_ == "advcl" and any(
        child.dep_ == "mark" and child.lower_ in CONTRAST_MARKS for child in token.children
    )


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
        return token.lower_ in FRAME_MARKS
    marks = {child.lower_ for child in token.children if child.dep_ == "mark"}
    if marks & FRAME_MARKS:
        return True
    before = token.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
    return token.tag_ == "VBG" and before is not None and before.text == ","


def _clause_ranges(clause: Token) -> list[tuple[int, int]]:
    """A complement clause's range, split where "…, and that B" coordinates a second clause,
    and cut before a trailing reporting participle (which makes a statement of its own)."""
    doc = clause.doc
    excluded = [
        child
        for child in clause.subtree
        if child.i != clause.i
        and (
            _is_reporting_participle(child)
            or _is_narrator_frame(child, clause)
            or (
                child.lower_ == "with"
                and child.head.i == clause.i
                and any(_is_absolute_speech(g) for g in child.children)
            )
            or (child.head.i == clause.i and _is_absolute_speech(child))
            # "…to Kyiv, which Zelensky said he would discuss": someone else's words
            or (_non_restrictive(child) and is_communication_verb(child))
            or (
                child.dep_ == "conj"
                and child.head.i == clause.i
                and any(g.dep_ == "mark" for g in child.children)
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
            ranges.extend(_clause_ranges(child))
    return [r for r in ranges if r is not None]


def claim_ranges(verb: Token) -> list[tuple[int, int]]:
    """Token ranges of what the verb reports: its clause(s), or its object and what follows."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    if not clauses:
        # "Kyiv said March 11 that it accepted …": the small model hangs the clause on the date.
        clauses = [
            grandchild
            for child in verb.children
            if child.dep_ in ("npadvmod", "tmod") and child.ent_type_ == "DATE"
            for grandchild in child.children
            if grandchild.dep_ in ("relcl", "acl") and grandchild.left_edge.lower_ == "that"
        ]
    if len(clauses) > 1 and all(c.i > verb.i for c in clauses):
        # One clause split in two by the parser ("X was willing … provided that …").
        first, last = clauses[0], clauses[-1]
        start = first.left_edge.i
        if first.left_edge.dep_ == "mark":
            start += 1
        merged = trim_range(verb.doc, start, last.right_edge.i + 1)
        return [merged] if merged else []
    if clauses:
        return _clause_ranges(clauses[0])
    if verb.lemma_.lower() == "describe" and not _describes_as(verb):
        return []  # "described the meeting": a description of something, not a claim
    introduced = _as_clause_claim(verb) or _parenthetical_claim(verb)
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


def claim_range(verb: Token) -> tuple[int, int] | None:
    """The token range of what the verb reports when it has no clause: object and what follows."""
    doc = verb.doc
    children = list(verb.children)
    obj = next((c for c in children if c.dep_ in ("dobj", "obj") and c.i > verb.i), None)
    tail = [
        c
        for c in children
        if c.i > verb.i
        and (
            c.dep_ in ("xcomp", "oprd")  # "called the talks “very productive”"
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
    if verb.dep_ == "relcl" and (obj is None or obj.tag_ in ("WDT", "WP")):
        return _relative_claim(verb) if verb.lemma_.lower() in OBJECT_CLAIM_VERBS else None
    if obj is not None:
        # "expressed confidence that X": the noun's own clause is the claim.
        noun_clause = that_clause(obj)
        if noun_clause is not None:
            ranges = _clause_ranges(noun_clause)
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
        return trim_range(doc, left, right + 1)
    return None


ATTACK_VERBS = {"lash", "rail", "hit", "swipe", "snap", "take", "fire", "strike"}


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
        if _non_restrictive(child) and child.left_edge.i > noun.i:
            right = min(right, child.left_edge.i - 2)
    return right


def _non_restrictive(clause: Token) -> bool:
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


MEDIUM_VERBS = {"post", "write", "tweet", "say", "announce", "state", "tell", "declare", "add"}


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
    """Drop leading and trailing punctuation and spaces (keeping a closing quotation mark whose
    opening mark is inside); None if too little is left."""
    while start < end and (
        doc[start].is_space or (doc[start].is_punct and doc[start].text not in OPENING)
    ):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    span_text = doc[start:end].text
    if end < len(doc) and doc[end].text in CLOSING and _unbalanced(span_text):
        end += 1
    words = [t for t in doc[start:end] if t.is_alpha]
    if len(words) < 2:
        return None
    return start, end
