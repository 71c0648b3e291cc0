"""Read-side services: the queries behind each page, returning rows the templates render."""
