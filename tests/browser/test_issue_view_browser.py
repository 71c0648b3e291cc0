"""The issue view in headless Chromium: it says what its chart and matrix count, and the chart's
time axis runs from the first statement counted to the last."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def epoch_ms(day: str) -> float:
    moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
    return moment.timestamp() * 1000


def test_the_chart_spans_the_statements_it_counts(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/issues/negotiations_process")
    coverage = page.locator("#coverage")
    assert coverage.is_visible()
    assert "They count" in coverage.inner_text() and "Left out" in coverage.inner_text()
    page.wait_for_selector("canvas#positions-chart[data-rendered=true]", timeout=10000)
    span = page.request.get(f"{live_server}/api/issues/negotiations_process/positions").json()[
        "span"
    ]
    assert span["first"] < span["last"]
    axis = page.evaluate(
        """() => {
          const x = document.querySelector('#positions-chart').chart.scales.x;
          return {min: x.min, max: x.max, labels: x.ticks.map(t => t.label)};
        }"""
    )
    assert (axis["min"], axis["max"]) == (epoch_ms(span["first"]), epoch_ms(span["last"]))
    # Ticks on the first of the months in between, labelled by month, none repeated.
    labels = axis["labels"]
    assert len(labels) >= 2 and len(labels) == len(set(labels))
    assert all(len(label) == 7 and label[:4] == span["first"][:4] for label in labels)
