"""The JSON API under /api/ (statements, actors, issues, articles, jobs) and its /docs page."""

from app.api.routes import router

__all__ = ["router"]
