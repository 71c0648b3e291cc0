"""The JSON API under /api/ (statements, actors, issues, articles, jobs): a sibling of the pages."""

from app.api.routes import router

__all__ = ["router"]
