"""Settings from the environment, read once and passed down.

Nothing here opens a connection or builds an engine: `load_settings()` only reads variables and
validates their shape. Every variable is listed and explained in `.env.example`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = DEFAULT_DATA_DIR / "vibe8.sqlite3"


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the variable and the problem."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}.")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}.")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 1/0, true/false, yes/no or on/off, got {raw!r}.")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (case-insensitive); the first is the default."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return choices[0]
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}.")
    return raw


def _list(env: Mapping[str, str], name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None:
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    pool_size: int = 5
    max_overflow: int = 10


@dataclass(frozen=True)
class EngineSettings:
    """How the analysis engine runs (see docs/METRICS.md and docs/PERFORMANCE.md)."""

    workers: int = max(1, os.cpu_count() or 1)
    collector_timeout_s: float = 600.0
    cache_dir: Path = DEFAULT_DATA_DIR / "cache"
    cache_max_mb: int = 512
    package_index_url: str = "https://pypi.org/pypi"
    package_index_timeout_s: float = 3.0
    file_timeout_s: float = 60.0  # one file's per-file metrics; past it the file keeps what it has
    max_file_mb: int = 10  # larger Python files are counted and named in errors, not analysed
    churn_max_commits: int = 5000  # newest commits read by the churn collector
    # MiB each analysis process may allocate (RLIMIT_AS above what it holds at start; 0: no limit).
    # 768 lets two workers with two analysis processes each fit in 4 GB beside their own processes.
    process_max_mb: int = 768
    max_findings_per_file: int = 200  # stored per file and collector; counts stay exact
    authorship_signals: Path | None = None  # a JSON file of extra AI / automation commit signals


@dataclass(frozen=True)
class SourceSettings:
    """Limits for hostile uploads and repositories."""

    upload_max_bytes: int = 50 * 1024 * 1024
    uncompressed_max_bytes: int = 500 * 1024 * 1024
    max_entries: int = 20_000
    max_compression_ratio: int = 200
    git_allowed_hosts: tuple[str, ...] = ("github.com",)
    git_clone_depth: int = 0  # 0: the whole history (git blame needs it; a shallow clone attributes partially)
    git_clone_timeout_s: float = 300.0
    git_clone_max_bytes: int = 1024 * 1024 * 1024
    # Extra `git -c key=value` pairs, so that tests (and a deployment's mirror) can rewrite https://github.com/
    # to other bases. Only `url.<base>.insteadOf` keys are accepted (see vibe8_core/sources/gitconfig.py);
    # VIBE8_GIT_EXTRA_CONFIG sets them, separated by spaces (an operator's setting, never a user's).
    git_extra_config: tuple[str, ...] = ()
    # Parent folder of the private per-job workspaces; None means the system temporary folder.
    workspace_dir: Path | None = None


@dataclass(frozen=True)
class JobSettings:
    """The database-backed runner."""

    embedded_worker: bool = True
    worker_threads: int = 1
    poll_interval_s: float = 1.0
    heartbeat_interval_s: float = 5.0
    heartbeat_timeout_s: float = 60.0
    max_attempts: int = 3
    job_time_limit_s: float = 1800.0
    finished_job_max_age_s: float = 7 * 24 * 3600.0
    max_result_mb: int = 64  # largest stored result (metrics + file tree + errors as JSON)


AUTH_MODES = ("popup", "oidc")


@dataclass(frozen=True)
class AuthSettings:
    """Who may sign in, how (see README "Sign-in with Auth0"), and how long a sign-in lasts."""

    auth0_domain: str = ""
    auth0_client_id: str = ""
    allowed_emails: tuple[str, ...] = ()
    local_user: str = "local@localhost"
    mode: str = "popup"  # popup: streamlit-auth0 in the browser; oidc: Streamlit's st.login on the server
    max_auth_age_s: float = 300.0  # an ID token is accepted only this soon after the person authenticated
    session_lifetime_s: float = 8 * 3600.0  # a session ends this long after the authentication, whatever happens
    session_idle_s: float = 30 * 60.0  # ... or after this long without an interaction

    @property
    def enabled(self) -> bool:
        return bool(self.auth0_domain and self.auth0_client_id)


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    sources: SourceSettings = field(default_factory=SourceSettings)
    jobs: JobSettings = field(default_factory=JobSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every Vibe8 variable from `env` (default: the process environment)."""
    env = os.environ if env is None else env
    settings = _read(env)
    check_consistency(settings)
    return settings


def check_consistency(settings: Settings) -> None:
    """Refuse settings that contradict each other, in one sentence naming both variables."""
    jobs, engine, sources = settings.jobs, settings.engine, settings.sources
    # (smaller, its value, larger, its value, whether equal values contradict too)
    pairs = (
        ("VIBE8_HEARTBEAT_INTERVAL", jobs.heartbeat_interval_s, "VIBE8_HEARTBEAT_TIMEOUT", jobs.heartbeat_timeout_s, 1),
        ("VIBE8_HEARTBEAT_TIMEOUT", jobs.heartbeat_timeout_s, "VIBE8_JOB_TIME_LIMIT", jobs.job_time_limit_s, 0),
        ("VIBE8_FILE_TIMEOUT", engine.file_timeout_s, "VIBE8_COLLECTOR_TIMEOUT", engine.collector_timeout_s, 0),
        ("VIBE8_UPLOAD_MAX_MB", sources.upload_max_bytes >> 20, "VIBE8_UNCOMPRESSED_MAX_MB",
         sources.uncompressed_max_bytes >> 20, 0),
    )  # fmt: skip
    for small_name, small, large_name, large, strict in pairs:
        if small > large or (strict and small == large):
            bound = "below" if strict else "at most"
            raise ConfigError(
                f"{small_name} ({small:g}) must be {bound} {large_name} ({large:g}); the two settings contradict "
                "each other."
            )


def _read(env: Mapping[str, str]) -> Settings:
    db_default = DatabaseSettings()
    eng_default = EngineSettings()
    src_default = SourceSettings()
    job_default = JobSettings()
    return Settings(
        database=DatabaseSettings(
            url=env.get("DATABASE_URL", "").strip() or db_default.url,
            pool_size=_int(env, "DB_POOL_SIZE", db_default.pool_size, minimum=1),
            max_overflow=_int(env, "DB_MAX_OVERFLOW", db_default.max_overflow),
        ),
        engine=EngineSettings(
            workers=_int(env, "VIBE8_ANALYSIS_WORKERS", eng_default.workers, minimum=1),
            collector_timeout_s=_float(env, "VIBE8_COLLECTOR_TIMEOUT", eng_default.collector_timeout_s, 1.0),
            cache_dir=Path(env.get("VIBE8_CACHE_DIR", "").strip() or eng_default.cache_dir),
            cache_max_mb=_int(env, "VIBE8_CACHE_MAX_MB", eng_default.cache_max_mb),
            package_index_url=(env.get("VIBE8_PACKAGE_INDEX_URL", "").strip() or eng_default.package_index_url),
            package_index_timeout_s=_float(
                env, "VIBE8_PACKAGE_INDEX_TIMEOUT", eng_default.package_index_timeout_s, 0.1
            ),
            file_timeout_s=_float(env, "VIBE8_FILE_TIMEOUT", eng_default.file_timeout_s, 0.1),
            max_file_mb=_int(env, "VIBE8_MAX_FILE_MB", eng_default.max_file_mb, 1),
            churn_max_commits=_int(env, "VIBE8_CHURN_MAX_COMMITS", eng_default.churn_max_commits, 1),
            process_max_mb=_int(env, "VIBE8_PROCESS_MAX_MB", eng_default.process_max_mb, 0),
            max_findings_per_file=_int(env, "VIBE8_MAX_FINDINGS_PER_FILE", eng_default.max_findings_per_file, 1),
            authorship_signals=Path(raw) if (raw := env.get("VIBE8_AUTHORSHIP_SIGNALS", "").strip()) else None,
        ),
        sources=SourceSettings(
            upload_max_bytes=_int(env, "VIBE8_UPLOAD_MAX_MB", src_default.upload_max_bytes >> 20, 1) << 20,
            uncompressed_max_bytes=_int(env, "VIBE8_UNCOMPRESSED_MAX_MB", src_default.uncompressed_max_bytes >> 20, 1)
            << 20,
            max_entries=_int(env, "VIBE8_ARCHIVE_MAX_ENTRIES", src_default.max_entries, 1),
            max_compression_ratio=_int(env, "VIBE8_ARCHIVE_MAX_RATIO", src_default.max_compression_ratio, 1),
            git_allowed_hosts=_list(env, "VIBE8_GIT_ALLOWED_HOSTS", src_default.git_allowed_hosts),
            git_extra_config=tuple(env.get("VIBE8_GIT_EXTRA_CONFIG", "").split()),
            git_clone_depth=_int(env, "VIBE8_GIT_CLONE_DEPTH", src_default.git_clone_depth, 0),
            git_clone_timeout_s=_float(env, "VIBE8_GIT_CLONE_TIMEOUT", src_default.git_clone_timeout_s, 1.0),
            git_clone_max_bytes=_int(env, "VIBE8_GIT_CLONE_MAX_MB", src_default.git_clone_max_bytes >> 20, 1) << 20,
            workspace_dir=Path(raw_dir) if (raw_dir := env.get("VIBE8_WORKSPACE_DIR", "").strip()) else None,
        ),
        jobs=JobSettings(
            embedded_worker=_bool(env, "VIBE8_EMBEDDED_WORKER", job_default.embedded_worker),
            worker_threads=_int(env, "VIBE8_WORKER_THREADS", job_default.worker_threads, 1),
            poll_interval_s=_float(env, "VIBE8_POLL_INTERVAL", job_default.poll_interval_s, 0.01),
            heartbeat_interval_s=_float(env, "VIBE8_HEARTBEAT_INTERVAL", job_default.heartbeat_interval_s, 0.01),
            heartbeat_timeout_s=_float(env, "VIBE8_HEARTBEAT_TIMEOUT", job_default.heartbeat_timeout_s, 0.05),
            max_attempts=_int(env, "VIBE8_JOB_MAX_ATTEMPTS", job_default.max_attempts, 1),
            job_time_limit_s=_float(env, "VIBE8_JOB_TIME_LIMIT", job_default.job_time_limit_s, 1.0),
            finished_job_max_age_s=_float(env, "VIBE8_FINISHED_JOB_MAX_AGE", job_default.finished_job_max_age_s, 0.0),
            max_result_mb=_int(env, "VIBE8_MAX_RESULT_MB", job_default.max_result_mb, 1),
        ),
        auth=_auth_settings(env),
    )


def _auth_settings(env: Mapping[str, str]) -> AuthSettings:
    """Sign-in settings; half a configuration refuses to start rather than fall back to local mode
    (where everyone who reaches the port is the one local user)."""
    default = AuthSettings()
    auth = AuthSettings(
        auth0_domain=env.get("AUTH0_DOMAIN", "").strip(),
        auth0_client_id=env.get("AUTH0_CLIENT_ID", "").strip(),
        allowed_emails=_list(env, "VIBE8_ALLOWED_EMAILS"),
        local_user=env.get("VIBE8_LOCAL_USER", "").strip() or default.local_user,
        mode=_choice(env, "VIBE8_AUTH_MODE", AUTH_MODES),
        max_auth_age_s=_float(env, "VIBE8_AUTH_MAX_AGE", default.max_auth_age_s, 10.0),
        session_lifetime_s=_float(env, "VIBE8_SESSION_LIFETIME", default.session_lifetime_s, 1.0),
        session_idle_s=_float(env, "VIBE8_SESSION_IDLE_TIMEOUT", default.session_idle_s, 1.0),
    )
    if bool(auth.auth0_domain) != bool(auth.auth0_client_id):
        raise ConfigError("AUTH0_DOMAIN and AUTH0_CLIENT_ID must be set together (both empty: local mode).")
    if auth.mode == "oidc" and not auth.enabled:
        raise ConfigError("VIBE8_AUTH_MODE=oidc needs AUTH0_DOMAIN and AUTH0_CLIENT_ID.")
    return auth
