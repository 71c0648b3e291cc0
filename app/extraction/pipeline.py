"""The extraction pipeline: article text in, statements, events and actors out.

clean → paragraphs → spaCy (in batches) → quotes and attributions per paragraph → speakers →
issues, stance and dates per statement → events per sentence. Every offset indexes the article
text exactly as given.
"""

from __future__ import annotations

import re
from bisect import insort
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from app.extraction.article_state import ArticleState
from app.extraction.clean import Paragraph, clean, for_parser, paragraphs
from app.extraction.codebook import Codebook
from app.extraction.conventions import apply_conventions
from app.extraction.discourse import Discourse
from app.extraction.drafts import (
    LIST_MARKERS,
    Draft,
    anchor_for,
    inherit_from_enclosing,
    list_item_draft,
    reported_drafts,
    take_speaker,
)
from app.extraction.events import find_events, sentence_facts
from app.extraction.issues import IssueMatcher
from app.extraction.nlp import build_pipeline, parse
from app.extraction.occasions import Undated, carry_named_days, date_by_occasion
from app.extraction.offsets import Ranges
from app.extraction.quotes import Quote, find_quotes, opens_with_mark
from app.extraction.roles import RoleIndex
from app.extraction.said_on import Dated, dates_outside, said_on, sentence_initial_dates
from app.extraction.speaker_candidates import CandidateFinder
from app.extraction.speaker_phrases import is_news_outlet
from app.extraction.speaker_ranking import QuoteSpeakers, RankedQuote, SpeakerRanker
from app.extraction.speakers import SpeakerResolver
from app.extraction.speech_acts import Attribution, ParagraphAttributor
from app.extraction.stance import StanceResult, classify
from app.extraction.stance_model import MODEL_PATH, StanceModel, relabel
from app.extraction.types import Event, ExtractionResult, MentionedActor, Speaker, Statement
from app.vocabulary import Stance, StatementKind

MIN_UNATTRIBUTED_QUOTE_WORDS = 4
BATCH_SIZE = 64
DEFAULT_RANKER = "learned"


class Extractor:
    """Holds the pipeline for one codebook; ``extract`` is safe to call many times."""

    def __init__(
        self,
        codebook: Codebook,
        nlp: Language | None = None,
        learned_stance: bool = True,
        speaker_ranker: str = DEFAULT_RANKER,
    ) -> None:
        self.codebook = codebook
        # The learned correction of the rules' stance (bench/train_stance.py trains it with
        # learned_stance=False, on the rules' own verdicts).
        self.stance_model = StanceModel.load() if learned_stance and MODEL_PATH.exists() else None
        self._nlp = nlp
        self._issues: IssueMatcher | None = None
        resolver = SpeakerResolver(codebook, RoleIndex(codebook))
        self.attributor = ParagraphAttributor(resolver)
        self.quote_speakers = QuoteSpeakers(
            CandidateFinder(resolver), SpeakerRanker.named(speaker_ranker)
        )
        # Set to a list to keep every quote's ranked options (bench/train_speaker_ranker.py).
        self.ranking_log: list[tuple[int, RankedQuote]] | None = None
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
        state = ArticleState(
            text=text,
            published=published,
            title_tokens=list(self.nlp.make_doc(title)) if title else [],
            prior_issue=self.issues.prior(docs),
        )
        for index, (paragraph, doc) in enumerate(zip(paras, docs, strict=True)):
            following = paras[index + 1] if index + 1 < len(paras) else None
            self._paragraph(state, paragraph, following, doc)
        events = find_events(state.facts)
        date_by_occasion(state.statements, state.undated, events, text, published)
        dated = sorted(facts.start for facts in state.facts if facts.dates)
        carry_named_days(state.statements, state.undated, published, dated)
        _continue_issues(state.statements)
        statements = apply_conventions(state.statements, text, self.codebook)
        if self.stance_model is not None:
            relabel(self.stance_model, statements, text)
        return ExtractionResult(
            statements=statements,
            events=events,
            actors=_mentioned(statements, events, self.codebook),
        )

    def _paragraph(
        self, state: ArticleState, paragraph: Paragraph, following: Paragraph | None, doc: Doc
    ) -> None:
        """One paragraph's statements and sentence facts, added to ``state``; what it hands the
        next paragraph (its latest speaker, a list it introduces, a quote left open) too."""
        published, discourse = state.published, state.discourse
        listed = paragraph.text[:1] in LIST_MARKERS
        in_list = state.list_open and listed
        quotes = find_quotes(paragraph, following)
        if in_list:
            # "…the following points:\n- Reduce the army by half;": an item, not a dash quote
            # (one signed "- … - Zelensky said" still is).
            quotes = [q for q in quotes if q.style != "dash" or q.attribution is not None]
        local = [(q, q.start - paragraph.start, q.end - paragraph.start) for q in quotes]
        quote_ranges = Ranges([(start, end) for _q, start, end in local])
        attributions = self.attributor.attributions(doc, quote_ranges, published, discourse)
        state.in_terms = listed and state.list_of_terms
        drafts = self._quote_drafts(
            doc,
            local,
            attributions,
            state.list_speaker if in_list else state.previous,
            paragraph,
            published,
            discourse,
            opens=in_list or opens_with_mark(paragraph),
        )
        drafts += reported_drafts(doc, attributions, quote_ranges)
        quoted = self.attributor.quoted_speech(doc, quote_ranges, published, discourse)
        drafts += reported_drafts(doc, quoted, Ranges([]))
        if (
            in_list
            and state.list_of_words
            and not any(d.kind == StatementKind.reported for d in drafts)
        ):
            item = list_item_draft(doc, state.list_speaker)
            if item is not None:
                drafts.append(item)
        paragraph_dates = dates_outside(doc, quote_ranges, published)
        carried = sentence_initial_dates(doc, paragraph_dates)
        finished = []
        claims = Ranges([(d.start, d.end) for d in drafts if d.kind == StatementKind.reported])
        for draft in sorted(drafts, key=lambda d: d.start):
            day, precision, explicit = said_on(
                draft, quote_ranges, claims, paragraph_dates, carried, published
            )
            if explicit and day is not None and precision is not None:
                dated = Dated(draft.sentence.start_char, day, precision)
                insort(carried, dated, key=lambda found: found.position)
            statement = self._finish(state, paragraph, doc, draft, (day, precision))
            if not explicit and day is not None and day == published:
                state.undated.append(
                    Undated(
                        statement,
                        paragraph.start,
                        paragraph.start + draft.sentence.end_char,
                    )
                )
            finished.append(statement)
        inherit_from_enclosing(finished)
        continued = [s for s in finished if s.kind == StatementKind.direct_quote and s.speaker]
        if state.left_open and continued and opens_with_mark(paragraph):
            for statement in state.left_open:
                take_speaker(statement, continued[0])
        open_starts = {q.start for q in quotes if q.open_end}
        state.left_open = [
            s
            for s in finished
            if s.kind == StatementKind.direct_quote and s.speaker is None and s.start in open_starts
        ]
        state.statements.extend(finished)
        for draft in drafts:
            # "… before bringing on board the Kremlin, which welcomed the proposal": a speaker in
            # a relative clause is an aside; the paragraph's speaker is still the latest one.
            aside = draft.anchor is not None and draft.anchor.dep_ == "relcl"
            if draft.speaker is not None and not aside:
                state.previous = draft.speaker
        state.read_list(paragraph.text, listed, in_list)
        state.facts.extend(
            sentence_facts(doc, paragraph, paragraph_dates, self.codebook, list(quote_ranges))
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
    ) -> list[Draft]:
        drafts: list[Draft] = []
        ranked: list[RankedQuote] | None = [] if self.ranking_log is not None else None
        resolved = self.quote_speakers.choose(
            doc, local, attributions, previous, opens, published, discourse, ranked
        )
        if self.ranking_log is not None and ranked:
            self.ranking_log.extend((paragraph.start, quote) for quote in ranked)
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
            anchor = anchor_for(by_sentence.get(sentence.start, []), speaker)
            drafts.append(
                Draft(StatementKind.direct_quote, start, end, speaker, anchor, sentence, confidence)
            )
            if speaker is not None:
                discourse.remember(speaker)
        return drafts

    def _is_name_or_title(self, quoted: str) -> bool:
        words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", quoted)]
        if not words or len(words) > 6:
            return False
        if self.codebook.actor_named(quoted.strip(" ,.;:!?")) is not None:
            return True
        # Capitalised words of some length, not counting a clitic ("It’s" is a sentence's start).
        long_words = [w for w in words if len(re.split(r"['’]", w)[0]) > 3]
        return len(words) >= 2 and len(long_words) >= 2 and all(w[0].isupper() for w in long_words)

    def _finish(
        self,
        state: ArticleState,
        paragraph: Paragraph,
        doc: Doc,
        draft: Draft,
        said: tuple[date | None, str | None],
    ) -> Statement:
        span = doc.char_span(draft.start, draft.end, alignment_mode="expand") or draft.sentence
        context = [t for t in draft.sentence if not (span.start <= t.i < span.end)]
        issues = self.issues.rank(span, context + state.title_tokens, state.prior_issue)
        governing = draft.anchor if draft.kind == StatementKind.reported else None
        stance = classify(span, governing, self.issue_words)
        if state.in_terms and stance.stance == Stance.neutral:
            # The points of a plan or proposal are what its issuer proposes (ANNOTATION.md: set
            # out in a document).
            stance = StanceResult(Stance.supports, stance.target, stance.score)
        if draft.speaker is not None and is_news_outlet(draft.speaker.name, self.codebook):
            stance = StanceResult(Stance.neutral, None, 0.0)  # an outlet's reporting describes
        said_on, precision = said
        speaker = draft.speaker
        start, end = paragraph.start + draft.start, paragraph.start + draft.end
        return Statement(
            kind=draft.kind,
            text=state.text[start:end],
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


CONTINUATION_CHARS = 600


def _continue_issues(statements: list[Statement]) -> None:
    """A statement whose words name no issue continues what its speaker was just saying."""
    last: Statement | None = None
    for statement in sorted(statements, key=lambda s: s.start):
        own = bool(statement.issues) and statement.issues[0][1] > 0.0
        if own:
            last = statement
            continue
        if (
            last is not None
            and statement.issues
            and statement.issues[0][1] == 0.0
            and statement.speaker
            and statement.speaker == last.speaker
            and statement.start - last.end <= CONTINUATION_CHARS
        ):
            statement.issues = [(last.issues[0][0], 0.0)]


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
