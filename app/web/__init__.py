"""The browser-facing pages and the JSON API: one router per page family."""
