"""What an article has said so far: recent speakers, surnames introduced, and the people named
in the current paragraph, asked about in amortised constant time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from app.extraction.codebook import Codebook, normalize_name
from app.extraction.lexicon import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    PLURAL_PRONOUNS,
)
from app.extraction.types import Speaker


@dataclass
class Discourse:
    """What the article has said so far: recent speakers and the names it introduced.

    Looking back through ``recent`` ("the latest speaker who …") would cost the whole article
    per question; instead each question, named by a key, keeps its answer and reads only the
    speakers remembered since it was last asked. A key's test must never change its verdict.
    """

    recent: list[Speaker] = field(default_factory=list)
    surnames: dict[str, Speaker] = field(default_factory=dict)
    # People named as the subject of any verb in the current paragraph, with where they stand.
    paragraph_people: list[tuple[int, Speaker]] = field(default_factory=list)
    # How often each name has been remembered, and the most often so far: who the article is about.
    mentions: Counter[str] = field(default_factory=Counter)
    main: Speaker | None = None
    # Who issued each kind of document the article has named ("plan", "statement"), and the
    # issuer of one the current paragraph refers back to ("The statement sets out …").
    issuers: dict[str, Speaker] = field(default_factory=dict)
    paragraph_issuer: Speaker | None = None
    # The latest person and the main one as the current paragraph began: a quote's candidates
    # from before its paragraph (its own paragraph's names are candidates of their own).
    earlier_person: Speaker | None = None
    earlier_main: Speaker | None = None
    _latest: dict[Hashable, tuple[int, Speaker | None]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _by_name: dict[Hashable, tuple[int, dict[str | None, Speaker]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def start_paragraph(self) -> None:
        self.paragraph_people = []
        self.paragraph_issuer = None
        self.earlier_person = self.latest_person()
        self.earlier_main = self.main

    def remember(self, speaker: Speaker) -> None:
        if speaker.name is None and speaker.how != "unnamed":
            return
        self.recent.append(speaker)
        if speaker.name:
            self.mentions[speaker.name] += 1
            if (
                self.main is None
                or self.mentions[speaker.name] > self.mentions[self.main.name or ""]
            ):
                self.main = speaker
        if speaker.name and speaker.kind == "person":
            self.surnames[normalize_name(speaker.name).split()[-1]] = speaker

    def refresh(self, speaker: Speaker) -> None:
        """Make an already remembered speaker the latest again, without counting a mention."""
        self.recent.append(speaker)

    def latest(self, key: Hashable, test: Callable[[Speaker], bool]) -> Speaker | None:
        """The most recent speaker that passes ``test``."""
        seen, found = self._latest.get(key, (0, None))
        for speaker in self.recent[seen:]:
            if test(speaker):
                found = speaker
        self._latest[key] = (len(self.recent), found)
        return found

    def latest_by_name(self, key: Hashable, test: Callable[[Speaker], bool]) -> list[Speaker]:
        """The latest speaker of each name that passes ``test``, most recent first."""
        seen, by_name = self._by_name.get(key, (0, {}))
        for speaker in self.recent[seen:]:
            if test(speaker):
                by_name.pop(speaker.name, None)  # re-inserted: the dict keeps recency order
                by_name[speaker.name] = speaker
        self._by_name[key] = (len(self.recent), by_name)
        return list(reversed(by_name.values()))

    def latest_person(self) -> Speaker | None:
        return self.latest("person", lambda s: s.kind == "person" and bool(s.name))

    def pronoun(self, word: str, codebook: Codebook) -> Speaker | None:
        lowered = word.lower()

        def gender(speaker: Speaker) -> str | None:
            entry = codebook.actor_named(speaker.name) if speaker.name else None
            return entry.gender if entry else None

        if lowered in MALE_PRONOUNS | FEMALE_PRONOUNS:
            wanted = "male" if lowered in MALE_PRONOUNS else "female"
            return self.latest(
                ("pronoun", lowered, id(codebook)),
                lambda s: s.kind == "person" and bool(s.name) and gender(s) in (None, wanted),
            )
        return self.latest(
            ("pronoun", lowered, id(codebook)),
            lambda s: bool(
                (lowered in PLURAL_PRONOUNS and (s.kind != "person" or s.how == "unnamed"))
                or (lowered == "it" and s.name and s.kind in ("state", "organization"))
            ),
        )
