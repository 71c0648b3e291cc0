"""The quote-speaker rankers: the cascade keeps the old order of clues, the learned model ships
with the package, and every ranker names a speaker for a quote with a clue in its sentence."""

from datetime import date

import pytest

from app.extraction.codebook import Codebook
from app.extraction.pipeline import Extractor
from app.extraction.speaker_ranking import CASCADE_WEIGHTS, RANKERS, SpeakerRanker


def test_cascade_weights_keep_the_order_of_clues() -> None:
    # Each clue outweighs every clue below it together: the best clue present decides.
    weights = sorted(CASCADE_WEIGHTS.values(), reverse=True)
    for position, weight in enumerate(weights):
        assert weight > sum(weights[position + 1 :])


def test_learned_ranker_ships_with_the_package() -> None:
    ranker = SpeakerRanker.named("learned")
    assert ranker.weights
    assert "cascade_choice" in ranker.weights


def test_unknown_ranker_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown speaker ranker"):
        SpeakerRanker.named("oracle")


@pytest.mark.parametrize("ranker", RANKERS)
def test_every_ranker_names_the_speaker_in_the_sentence(
    codebook: Codebook, extractor: Extractor, ranker: str
) -> None:
    extractor = Extractor(codebook, nlp=extractor.nlp, speaker_ranker=ranker)
    extractor.ranking_log = []
    text = "“We are ready for a ceasefire tomorrow,” Zelensky told reporters in Kyiv."
    result = extractor.extract(text, published=date(2025, 5, 12))
    quote = next(s for s in result.statements if s.kind == "direct_quote")
    assert quote.speaker == "Volodymyr Zelensky"
    assert extractor.ranking_log and extractor.ranking_log[0][1].chosen is not None
