"""A news outlet that carries someone's words is the statement's source, shown as "reported by
…", never its speaker."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import Statement
from tests.forms import submit

TEXT = "Kremlin spokesman Dmitry Peskov said the talks in Kirkenes were useful, Reuters reported."


def test_the_outlet_is_the_source_not_the_speaker(client: TestClient, session: Session) -> None:
    response = submit(
        client, "/upload", {"title": "Kirkenes", "text": TEXT, "published": "2025-08-06"}
    )
    assert response.status_code == 200
    statement = session.scalars(
        select(Statement)
        .options(joinedload(Statement.speaker))
        .where(Statement.text.contains("Kirkenes"))
        .execution_options(populate_existing=True)
    ).one()
    assert statement.reported_by == "Reuters"
    assert statement.speaker is not None and statement.speaker.name == "Dmitry Peskov"
    card = BeautifulSoup(client.get("/timeline?q=Kirkenes").text, "html.parser").select_one(
        f"#statement-{statement.id}"
    )
    assert card is not None
    assert card.select_one(".reported-by").get_text() == "reported by Reuters"
    assert "Reuters" not in card.select_one(".speaker").get_text()
    api = client.get(f"/api/statements/{statement.id}").json()
    assert api["reported_by"] == "Reuters"
