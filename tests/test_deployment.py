"""The docker compose file of docs/OPERATIONS.md: its services exist, their commands are real Vibe8
commands, they share one PostgreSQL, and the connection budget fits PostgreSQL's limit."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from vibe8_core.cli.main import build_parser
from vibe8_core.config import PROJECT_ROOT, load_settings

COMPOSE = PROJECT_ROOT / "compose.yaml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _env(service: dict) -> dict[str, str]:
    """The service's environment with compose's ${VAR:-default} taken at its default."""
    return {key: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value)) for key, value in service["environment"].items()}


def test_services_and_their_commands_exist(compose: dict) -> None:
    services = compose["services"]
    assert {"postgres", "migrate", "app", "worker"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    for name in ("migrate", "worker"):
        command = services[name]["command"]
        assert command[:3] == ["python", "-m", "vibe8_core"]
        build_parser().parse_args(command[3:])  # a real subcommand with real options (SystemExit otherwise)
    app = services["app"]["command"]
    assert app[:2] == ["streamlit", "run"] and (PROJECT_ROOT / app[2]).is_file()
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile and "git" in dockerfile and services["app"]["build"] == "."


def test_every_service_uses_the_one_postgres_and_the_app_runs_no_worker(compose: dict) -> None:
    services = compose["services"]
    urls = {name: _env(services[name])["DATABASE_URL"] for name in ("migrate", "app", "worker")}
    assert len(set(urls.values())) == 1
    settings = load_settings(_env(services["worker"]))
    assert settings.database.url.startswith("postgresql") and "@postgres:5432/" in settings.database.url
    assert load_settings(_env(services["app"])).jobs.embedded_worker is False
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    env_example = (PROJECT_ROOT / ".env.example").read_text()
    for service in ("app", "worker"):
        for variable in _env(services[service]):
            assert re.search(rf"^(# )?{variable}=", env_example, re.M), f"{variable} is missing from .env.example"


def test_the_connection_budget_fits_postgres(compose: dict) -> None:
    services = compose["services"]
    worker_env = load_settings(_env(services["worker"])).database
    threads = int(services["worker"]["command"][services["worker"]["command"].index("--threads") + 1])
    assert worker_env.pool_size + worker_env.max_overflow >= 2 * threads + 1  # claim/finish + heartbeat per job
    replicas = int(re.sub(r"\$\{\w+:-(\d+)\}", r"\1", str(services["worker"]["deploy"]["replicas"])))
    app = load_settings(_env(services["app"])).database
    limit = int(shlex.split(" ".join(services["postgres"]["command"]))[-1].split("=")[1])
    assert replicas * (worker_env.pool_size + worker_env.max_overflow) + (app.pool_size + app.max_overflow) < limit
