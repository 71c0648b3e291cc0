"""The extraction pipeline: article text in, statements, events and actors out.

clean → paragraphs → spaCy (in batches) → quotes and attributions per paragraph → speakers →
issues, stance and dates per statement → events per sentence. Every offset indexes the article
text exactly as given.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.extraction.attribution import Attribution, ParagraphAttributor
from app.extraction.clean import Paragraph, clean, for_parser, paragraphs
from app.extraction.codebook import Codebook
from app.extraction.conventions import apply_conventions
from app.extraction.dates import ResolvedDate, find_dates
from app.extraction.events import SentenceFacts, find_events
from app.extraction.issues import FALLBACK_ISSUE, IssueMatcher
from app.extraction.lexicon import ATTITUDE_VERBS, ONGOING_VERBS
from app.extraction.nlp import build_pipeline, parse
from app.extraction.offsets import Ranges, doc_text, span_ents
from app.extraction.quotes import Quote, find_quotes, opens_with_mark
from app.extraction.speakers import (
    Discourse,
    RoleIndex,
    Speaker,
    SpeakerResolver,
    is_news_outlet,
)
from app.extraction.stance import StanceResult, classify
from app.extraction.stance_model import MODEL_PATH, StanceModel, relabel
from app.extraction.types import Event, ExtractionResult, MentionedActor, Statement

MIN_UNATTRIBUTED_QUOTE_WORDS = 4
LIST_MARKERS = "→•‣▪●◦-–—*"
PRESENT_PERFECT_AUX = {"has", "have", "'s", "'ve"}
BATCH_SIZE = 64


@dataclass
class _Draft:
    """A statement before issues, stance and date are settled (paragraph-local offsets)."""

    kind: str
    start: int
    end: int
    speaker: Speaker | None
    anchor: Token | None
    sentence: Span
    confidence: float


class Extractor:
    """Holds the pipeline for one codebook; ``extract`` is safe to call many times."""

    def __init__(
        self, codebook: Codebook, nlp: Language | None = None, learned_stance: bool = True
    ) -> None:
        self.codebook = codebook
        # The learned correction of the rules' stance (bench/train_stance.py trains it with
        # learned_stance=False, on the rules' own verdicts).
        self.stance_model = StanceModel.load() if learned_stance and MODEL_PATH.exists() else None
        self._nlp = nlp
        self._issues: IssueMatcher | None = None
        roles = RoleIndex(codebook)
        self.attributor = ParagraphAttributor(SpeakerResolver(codebook, roles))
        keywords = {keyword for issue in codebook.issues for keyword in issue.keywords}
        # Whole keywords (for stance targets) and their single words (topics carry no view).
        words = {word for keyword in keywords for word in keyword.split() if len(word) > 3}
        self.issue_words = keywords | words | {word.removesuffix("s") for word in words}

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_pipeline(self.codebook)
        return self._nlp

    @property
    def issues(self) -> IssueMatcher:
        if self._issues is None:
            self._issues = IssueMatcher(self.codebook.issues, self.nlp)
        return self._issues

    def extract(
        self, text: str, published: date | None = None, title: str | None = None
    ) -> ExtractionResult:
        return self.extract_many([text], published=published, title=title)[0]

    def extract_many(
        self, texts: list[str], published: date | None = None, title: str | None = None
    ) -> list[ExtractionResult]:
        """Extract several articles, parsing all their paragraphs in shared batches."""
        prepared = [paragraphs(clean(text)) for text in texts]
        flat = [for_parser(p.text) for paras in prepared for p in paras]
        docs = parse(self.nlp, flat, BATCH_SIZE)
        results = []
        for text, paras in zip(texts, prepared, strict=True):
            article_docs = [next(docs) for _ in paras]
            results.append(self._article(text, paras, article_docs, published, title))
        return results

    def _article(
        self,
        text: str,
        paras: list[Paragraph],
        docs: list[Doc],
        published: date | None,
        title: str | None,
    ) -> ExtractionResult:
        discourse = Discourse()
        statements: list[Statement] = []
        sentence_facts: list[SentenceFacts] = []
        previous: Speaker | None = None
        left_open: list[Statement] = []  # unattributed quotes that run on into the next paragraph
        list_speaker: Speaker | None = None  # "X named three results:" introduces the list below
        title_tokens = list(self.nlp.make_doc(title)) if title else []
        prior = self.issues.prior(docs)
        for index, (paragraph, doc) in enumerate(zip(paras, docs, strict=True)):
            following = paras[index + 1] if index + 1 < len(paras) else None
            quotes = find_quotes(paragraph, following)
            local = [(q, q.start - paragraph.start, q.end - paragraph.start) for q in quotes]
            quote_ranges = Ranges([(start, end) for _q, start, end in local])
            attributions = self.attributor.attributions(doc, quote_ranges, published, discourse)
            in_list = list_speaker is not None and paragraph.text[:1] in LIST_MARKERS
            drafts = self._quote_drafts(
                doc,
                local,
                attributions,
                list_speaker if in_list else previous,
                paragraph,
                published,
                discourse,
                opens=in_list or opens_with_mark(paragraph),
            )
            drafts += _reported_drafts(doc, attributions, quote_ranges)
            quoted = self.attributor.quoted_speech(doc, quote_ranges, published, discourse)
            drafts += _reported_drafts(doc, quoted, Ranges([]))
            if (
                in_list
                and list_speaker is not None
                and not any(d.kind == "reported" for d in drafts)
            ):
                item = _list_item_draft(doc, list_speaker)
                if item is not None:
                    drafts.append(item)
            paragraph_dates = _dates_outside(doc, quote_ranges, published)
            carried = _sentence_initial_dates(doc, paragraph_dates)
            finished = []
            for draft in sorted(drafts, key=lambda d: d.start):
                day, precision, explicit = _said_on(
                    draft, quote_ranges, paragraph_dates, carried, published
                )
                if explicit and day is not None and precision is not None:
                    dated = _Dated(draft.sentence.start_char, day, precision)
                    insort(carried, dated, key=lambda found: found.position)
                finished.append(
                    self._finish(text, paragraph, doc, draft, (day, precision), title_tokens, prior)
                )
            _inherit_from_enclosing(finished)
            continued = [s for s in finished if s.kind == "direct_quote" and s.speaker]
            if left_open and continued and opens_with_mark(paragraph):
                for statement in left_open:
                    _take_speaker(statement, continued[0])
            open_starts = {q.start for q in quotes if q.open_end}
            left_open = [
                s
                for s in finished
                if s.kind == "direct_quote" and s.speaker is None and s.start in open_starts
            ]
            statements.extend(finished)
            if paragraph.text.rstrip().endswith(":") and discourse.paragraph_people:
                list_speaker = discourse.paragraph_people[-1][1]
            elif not in_list:
                list_speaker = None
            for draft in drafts:
                if draft.speaker is not None:
                    previous = draft.speaker
            sentence_facts.extend(_sentence_facts(doc, paragraph, paragraph_dates, self.codebook))
        events = find_events(sentence_facts)
        statements = apply_conventions(statements, text, self.codebook)
        if self.stance_model is not None:
            relabel(self.stance_model, statements, text)
        return ExtractionResult(
            statements=statements,
            events=events,
            actors=_mentioned(statements, events, self.codebook),
        )

    def _quote_drafts(
        self,
        doc: Doc,
        local: list[tuple[Quote, int, int]],
        attributions: list[Attribution],
        previous: Speaker | None,
        paragraph: Paragraph,
        published: date | None,
        discourse: Discourse,
        opens: bool,
    ) -> list[_Draft]:
        drafts: list[_Draft] = []
        resolved = self.attributor.quote_speakers(
            doc, local, attributions, previous, opens, published, discourse
        )
        by_sentence: dict[int, list[Attribution]] = {}
        for attribution in attributions:
            by_sentence.setdefault(attribution.sentence.start, []).append(attribution)
        for (_quote, start, end), (_same, speaker, confidence, sentence) in zip(
            local, resolved, strict=True
        ):
            quoted = paragraph.text[start:end]
            words = len(quoted.split())
            if speaker is None and words < MIN_UNATTRIBUTED_QUOTE_WORDS and not _quote.open_end:
                continue  # a title or scare quote, not somebody's words
            if self._is_name_or_title(quoted):
                continue  # “coalition of the willing”, “Victory Plan”: a name, not a claim
            anchor = _anchor_for(by_sentence.get(sentence.start, []), speaker)
            drafts.append(_Draft("direct_quote", start, end, speaker, anchor, sentence, confidence))
            if speaker is not None:
                discourse.remember(speaker)
        return drafts

    def _is_name_or_title(self, quoted: str) -> bool:
        words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", quoted)]
        if not words or len(words) > 6:
            return False
        if self.codebook.actor_named(quoted.strip(" ,.;:!?")) is not None:
            return True
        long_words = [w for w in words if len(w) > 3]
        return len(words) >= 2 and bool(long_words) and all(w[0].isupper() for w in long_words)

    def _finish(
        self,
        text: str,
        paragraph: Paragraph,
        doc: Doc,
        draft: _Draft,
        said: tuple[date | None, str | None],
        title_tokens: list[Token],
        prior: str | None,
    ) -> Statement:
        span = doc.char_span(draft.start, draft.end, alignment_mode="expand") or draft.sentence
        context = [t for t in draft.sentence if not (span.start <= t.i < span.end)]
        issues = self.issues.rank(span, context + title_tokens, prior)
        governing = draft.anchor if draft.kind == "reported" else None
        stance = classify(span, governing, self.issue_words)
        if draft.speaker is not None and is_news_outlet(draft.speaker.name, self.codebook):
            stance = StanceResult("neutral", None, 0.0)  # an outlet's reporting describes
        said_on, precision = said
        speaker = draft.speaker
        start, end = paragraph.start + draft.start, paragraph.start + draft.end
        return Statement(
            kind=draft.kind,
            text=text[start:end],
            start=start,
            end=end,
            speaker=speaker.name if speaker else None,
            speaker_text=speaker.text if speaker else None,
            speaker_role=speaker.role if speaker else None,
            speaker_new=speaker.new if speaker else False,
            speaker_kind=speaker.kind if speaker else None,
            issues=issues,
            stance=stance.stance,
            stance_target=stance.target,
            said_on=said_on,
            said_on_precision=precision,
            confidence=round(draft.confidence, 3),
        )


def _inherit_from_enclosing(statements: list[Statement]) -> None:
    """A partial quote inside reported speech ("called for a “full, unconditional ceasefire”")
    is a piece of that claim: it takes the claim's stance, which its few words alone rarely show,
    and the claim's issues when its own words name none."""
    # One sweep in order of position: a claim joins when the quotes reach its start, and leaves
    # once they pass its end, so each quote looks only at the claims around it.
    reported = sorted(
        (s.start, order, s) for order, s in enumerate(statements) if s.kind == "reported"
    )
    quotes = sorted(
        (s.start, order, s) for order, s in enumerate(statements) if s.kind == "direct_quote"
    )
    around: list[tuple[int, int, Statement]] = []
    added = 0
    for start, _order, quote in quotes:
        while added < len(reported) and reported[added][0] <= start:
            around.append(reported[added])
            added += 1
        around = [item for item in around if item[2].end + 1 > start]
        enclosing = [
            (claim.end - claim.start, order, claim)
            for _start, order, claim in around
            if quote.end <= claim.end + 1
            and claim.speaker == quote.speaker
            and (claim.end - claim.start) > (quote.end - quote.start)
        ]
        if not enclosing:
            continue
        claim = min(enclosing, key=lambda item: item[:2])[2]
        if not quote.issues or quote.issues[0][1] == 0.0 or quote.issues[0][0] == FALLBACK_ISSUE:
            quote.issues = list(claim.issues)  # the quote's own words name no issue
        quote.stance = claim.stance
        quote.stance_target = claim.stance_target


def _list_item_draft(doc: Doc, speaker: Speaker) -> _Draft | None:
    """ "Medinsky named three results: → the sides will exchange prisoners; → …": each item of a
    list that a speaker introduces is that speaker's claim."""
    text = doc.text
    start = len(text) - len(text.lstrip(LIST_MARKERS + " \t"))
    end = len(text.rstrip(" \t\n;.,"))
    if end - start < 12 or len(text[start:end].split()) < 3:
        return None
    sentence = doc.char_span(start, end, alignment_mode="expand")
    if sentence is None:
        return None
    return _Draft("reported", start, end, speaker, None, sentence, min(speaker.confidence, 0.6))


def _take_speaker(statement: Statement, source: Statement) -> None:
    """A quote left open at a paragraph's end is spoken by whoever speaks its continuation."""
    statement.speaker = source.speaker
    statement.speaker_text = source.speaker_text
    statement.speaker_role = source.speaker_role
    statement.speaker_new = source.speaker_new
    statement.confidence = min(source.confidence, 0.6)


def _anchor_for(in_sentence: list[Attribution], speaker: Speaker | None) -> Token | None:
    """The verb of the sentence's first attribution to this speaker."""
    for attribution in in_sentence:
        if attribution.speaker == speaker:
            return attribution.anchor
    return None


def _reported_drafts(
    doc: Doc, attributions: list[Attribution], quote_ranges: Ranges
) -> list[_Draft]:
    drafts: list[_Draft] = []
    for attribution in attributions:
        claims = [attribution.claim, *attribution.more_claims] if attribution.claim else []
        for first, last in claims:
            span = doc[first:last]
            unquoted = [t for t in span if t.is_alpha and t.idx not in quote_ranges]
            if len(unquoted) < 1:
                continue  # the claim is a quotation, already recorded as a direct quote
            confidence = attribution.speaker.confidence - 0.05
            drafts.append(
                _Draft(
                    "reported",
                    span.start_char,
                    span.end_char,
                    attribution.speaker,
                    attribution.anchor,
                    attribution.sentence,
                    confidence,
                )
            )
    return drafts


def _dates_outside(doc: Doc, quote_ranges: Ranges, published: date | None) -> list[ResolvedDate]:
    """The paragraph's dates outside quotes, in order of position."""
    return [found for found in find_dates(doc.text, published) if found.start not in quote_ranges]


def _dates_from(dates: list[ResolvedDate], start: int, end: int) -> list[ResolvedDate]:
    """The dates (in order of position) that start within ``start:end``."""
    found = []
    for position in range(bisect_left(dates, start, key=lambda dated: dated.start), len(dates)):
        if dates[position].start >= end:
            break
        found.append(dates[position])
    return found


@dataclass(frozen=True)
class _Dated:
    """A day the paragraph has established, and where: it carries to later past-tense speech."""

    position: int
    day: date
    precision: str


def _said_on(
    draft: _Draft,
    quote_ranges: Ranges,
    paragraph_dates: list[ResolvedDate],
    carried: list[_Dated],
    published: date | None,
) -> tuple[date | None, str | None, bool]:
    """The day of the words, and whether the sentence itself said so.

    A time expression about the speech act wins; then a verb that is not news of the day
    ("has said", "has long argued", "continues to insist") has no day; then past-tense speech
    takes the day the paragraph established earlier; else the publication day."""
    sentence = draft.sentence
    claim = (draft.start, draft.end) if draft.kind == "reported" else (-1, -1)
    in_sentence = [
        found
        for found in _dates_from(paragraph_dates, sentence.start_char, sentence.end_char)
        if not (claim[0] <= found.start < claim[1]) and found.start not in quote_ranges
    ]
    in_sentence = [found for found in in_sentence if _may_date_the_speech(sentence, found, draft)]
    if in_sentence:
        anchor = draft.anchor.idx if draft.anchor is not None else draft.start
        best = min(in_sentence, key=lambda found: abs(found.start - anchor))
        return best.day, best.precision, True
    verb = draft.anchor
    if verb is not None and _not_of_the_day(verb):
        return None, None, False
    earlier = bisect_left(carried, sentence.start_char, key=lambda dated: dated.position)
    if earlier and (verb is None or verb.tag_ in ("VBD", "VBN")):
        latest = carried[earlier - 1]  # ``carried`` is in order of position
        return latest.day, latest.precision, False
    return (published, "day", False) if published else (None, None, False)


DEADLINE_WORDS = {"until", "till", "by", "before", "deadline", "from", "through", "ahead"}
OTHER_CLAUSES = {"relcl", "acl", "ccomp", "xcomp", "pcomp"}


def _may_date_the_speech(sentence: Span, found: ResolvedDate, draft: _Draft) -> bool:
    """A date can be the day of the words unless it is a deadline ("until Friday", "by May 8")
    or sits in a clause of its own that the speech verb is not part of ("Trump, who has given
    Moscow until Friday, wrote …")."""
    text = doc_text(sentence.doc)
    before = text[max(0, found.start - 25) : found.start].lower().split()
    if before and before[-1].strip(",") in DEADLINE_WORDS:
        return False
    anchor = draft.anchor
    token = sentence.doc.char_span(found.start, found.end, alignment_mode="expand")
    if anchor is None or token is None:
        return True
    node = token.root
    while node.i != anchor.i and node.head.i != node.i:
        if node.dep_ in OTHER_CLAUSES and anchor not in node.subtree:
            return False
        node = node.head
    return True


HABITUAL_ADVERBS = {
    "repeatedly",
    "long",
    "often",
    "previously",
    "recently",
    "consistently",
    "always",
}


def _not_of_the_day(verb: Token) -> bool:
    """ "has said", "has long rejected", "recently stated", "continues to express"."""
    if verb.tag_ == "VBN" and any(
        child.dep_ == "aux" and child.lower_ in PRESENT_PERFECT_AUX for child in verb.children
    ):
        return True
    if any(child.dep_ == "advmod" and child.lower_ in HABITUAL_ADVERBS for child in verb.children):
        return True
    if verb.lemma_.lower() in ATTITUDE_VERBS:
        return True  # "allies fear that …": a state of mind, not words said on a day
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ONGOING_VERBS


def _sentence_initial_dates(doc: Doc, paragraph_dates: list[ResolvedDate]) -> list[_Dated]:
    """ "On Tuesday, …" / "Earlier this month, …": a date that frames its whole sentence."""
    found = []
    for sentence in doc.sents:
        for dated in _dates_from(paragraph_dates, sentence.start_char, sentence.start_char + 5):
            found.append(_Dated(dated.start, dated.day, dated.precision))
    return found


def _sentence_facts(
    doc: Doc,
    paragraph: Paragraph,
    paragraph_dates: list[ResolvedDate],
    codebook: Codebook,
) -> list[SentenceFacts]:
    """What each sentence names: actors, places and dates (outside quotes, found once for the
    whole paragraph)."""
    facts = []
    for sentence in doc.sents:
        actors: list[str] = []
        places: list[str] = []
        for ent in span_ents(sentence):
            entry = codebook.actor_by_slug(ent.ent_id_) if ent.ent_id_ else None
            if entry is not None and entry.kind in ("person", "state", "organization"):
                actors.append(entry.name)
            if ent.label_ in ("GPE", "LOC", "FAC"):
                places.append(ent.text)
        dates = [  # offsets within the sentence
            ResolvedDate(
                found.day,
                found.precision,
                found.start - sentence.start_char,
                found.end - sentence.start_char,
            )
            for found in _dates_from(paragraph_dates, sentence.start_char, sentence.end_char)
        ]
        facts.append(
            SentenceFacts(
                start=paragraph.start + sentence.start_char,
                end=paragraph.start + sentence.end_char,
                text=sentence.text,
                actors=list(dict.fromkeys(actors)),
                places=list(dict.fromkeys(places)),
                dates=dates,
            )
        )
    return facts


def _mentioned(
    statements: list[Statement], events: list[Event], codebook: Codebook
) -> list[MentionedActor]:
    found: dict[str, MentionedActor] = {}
    for statement in statements:
        if statement.speaker and statement.speaker not in found:
            entry = codebook.actor_named(statement.speaker)
            kind = entry.kind if entry else statement.speaker_kind or "person"
            found[statement.speaker] = MentionedActor(statement.speaker, kind, new=entry is None)
    for event in events:
        for name in event.participants:
            if name not in found:
                entry = codebook.actor_named(name)
                found[name] = MentionedActor(
                    name, entry.kind if entry else "person", new=entry is None
                )
    return list(found.values())
