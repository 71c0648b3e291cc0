"""The browser-facing pages: one router per page family (the JSON API is app/api/, a sibling)."""
