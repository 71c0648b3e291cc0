# Parley's web app and import worker (one image, two commands).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /srv/parley
RUN useradd --create-home --uid 1000 parley

COPY pyproject.toml README.md alembic.ini constraints.txt ./
COPY app ./app
RUN pip install --constraint constraints.txt .

COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY seeds ./seeds

USER parley
EXPOSE 8000
# Serving on 0.0.0.0 needs PARLEY_SECRET_KEY from whoever runs the image (`docker run -e …`,
# docker-compose.yml): without it `parley serve` refuses to start. No key is built in.
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "parley db upgrade && parley serve --host 0.0.0.0 --port 8000"]
