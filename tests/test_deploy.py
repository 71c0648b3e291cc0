"""The deployment files: no container engine runs here, so the compose file is checked as data."""

from __future__ import annotations

import shlex

import yaml

from app.cli import app as cli
from app.settings import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _commands() -> set[tuple[str, ...]]:
    import typer.main

    group = typer.main.get_command(cli)
    found: set[tuple[str, ...]] = set()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.add((name,))
        for sub in getattr(command, "commands", {}):
            found.add((name, sub))
    return found


def _parley_invocations(command: list[str] | str) -> list[list[str]]:
    text = command if isinstance(command, str) else " ".join(shlex.quote(part) for part in command)
    words = shlex.split(text.replace("&&", " && "))
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2].replace("&&", " && "))
    invocations, current = [], []
    for word in [*words, "&&"]:
        if word == "&&":
            if current and current[0] == "parley":
                invocations.append(current[1:])
            current = []
        else:
            current.append(word)
    return invocations


def test_services_db_web_worker() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"db", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["db"]["volumes"])


def test_web_and_worker_point_at_postgres_and_wait_for_it() -> None:
    for name in ("web", "worker"):
        service = COMPOSE["services"][name]
        url = service["environment"]["PARLEY_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
        # Required from whoever starts the stack (`${VAR:?message}`), never a value in the file.
        assert service["environment"]["PARLEY_SECRET_KEY"].startswith("${PARLEY_SECRET_KEY:?")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        # Every environment variable the services set is a real setting.
        for variable in service["environment"]:
            assert variable.removeprefix("PARLEY_").lower() in Settings.model_fields


def test_web_upgrades_then_serves_on_all_interfaces() -> None:
    invocations = _parley_invocations(COMPOSE["services"]["web"]["command"])
    assert invocations[0] == ["db", "upgrade"]
    serve = invocations[-1]
    assert (
        serve[0] == "serve" and "--host" in serve and serve[serve.index("--host") + 1] == "0.0.0.0"
    )


def test_every_command_the_services_run_exists() -> None:
    known = _commands()
    for service in COMPOSE["services"].values():
        if "command" not in service:
            continue
        for invocation in _parley_invocations(service["command"]):
            words = tuple(word for word in invocation if not word.startswith("-"))
            assert words[:1] in known or words[:2] in known, f"parley {' '.join(invocation)}"
            assert (words[0],) in known


def test_the_image_builds_in_no_secret_and_serves_beyond_loopback() -> None:
    """So `parley serve` in the container refuses to start until PARLEY_SECRET_KEY is given."""
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    assert not any("PARLEY_SECRET_KEY" in line for line in instructions)
    command = next(line for line in instructions if line.startswith("CMD"))
    assert "parley serve --host 0.0.0.0" in command


def test_the_image_and_make_install_the_same_pinned_versions() -> None:
    """No container engine runs here, so the image's install step is checked against the one
    `make` runs (and CI passes with): the same constraints file, the pip Python ships."""
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "COPY pyproject.toml README.md alembic.ini constraints.txt ./" in dockerfile
    assert "pip install --constraint constraints.txt ." in dockerfile
    assert "--constraint constraints.txt -e '.[dev]'" in makefile
    assert "--upgrade pip" not in makefile + dockerfile
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    assert {"lxml", "lxml-html-clean", "fastapi", "spacy", "sqlalchemy"} <= pinned
