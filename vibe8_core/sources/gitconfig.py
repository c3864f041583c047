"""How git is run on strangers' repositories: isolated environment, hardened options, one clone command.

Git reads configuration from the system, the user's home and environment variables, and some
settings run programs (hooks, fsmonitor, filters, ssh commands, credential helpers). Every git
process we start gets an environment built from scratch and `-c` options that switch those off.

`SourceSettings.git_extra_config` exists so tests exercise this exact code path offline: it may
only hold `url.<base>.insteadOf=<prefix>` rewrites (e.g. https://github.com/ -> file:///tmp/repos/).
Any other key could run a program or widen the protocols, so it is refused. A rewrite to a local
base needs git's "file" protocol, which is then allowed too; without such a rewrite, and so in
production by default, https is the only protocol git may use.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from vibe8_core.config import SourceSettings
from vibe8_core.sources.errors import SourceError, shown

# Passed to every git we run; later `-c` options cannot re-enable what the environment forbids.
HARDENING_OPTIONS: tuple[str, ...] = (
    "protocol.allow=never",
    "protocol.https.allow=always",
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.symlinks=false",
    "core.askPass=/bin/true",
    "credential.helper=",
    "submodule.recurse=false",
    "fetch.recurseSubmodules=false",
    "filter.lfs.smudge=",
    "filter.lfs.process=",
    "filter.lfs.clean=",
    "filter.lfs.required=false",
    "advice.detachedHead=false",
)
# Where to find programs, proxies and CA certificates; nothing else of ours reaches git.
_PASSED_THROUGH_ENV = (
    "PATH",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GIT_SSL_CAINFO",
)
_INSTEAD_OF = ".insteadof"


def isolated_git_env(home: str | os.PathLike[str], extra_protocols: Sequence[str] = ()) -> dict[str, str]:
    """An environment that hides every git configuration but ours and never prompts for anything."""
    env = {name: os.environ[name] for name in _PASSED_THROUGH_ENV if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(Path(home) / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CEILING_DIRECTORIES=str(home),
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="/bin/true",
        SSH_ASKPASS="/bin/true",
        GIT_LFS_SKIP_SMUDGE="1",
        GIT_ALLOW_PROTOCOL=":".join(("https", *extra_protocols)),
        GIT_PROTOCOL_FROM_USER="0",
        LC_ALL="C",
    )
    return env


def url_rewrites(settings: SourceSettings) -> tuple[list[str], tuple[str, ...]]:
    """The `-c` pairs for the configured URL rewrites and the extra protocols they need.

    Refuses (SourceError) anything in `git_extra_config` that is not an `url.<base>.insteadOf` rewrite
    to an https://, file:// or absolute-path base.
    """
    options: list[str] = []
    protocols: set[str] = set()
    for item in settings.git_extra_config:
        key, separator, value = item.partition("=")
        base = key[len("url.") : -len(_INSTEAD_OF)]
        if not (separator and value and key.startswith("url.") and key.lower().endswith(_INSTEAD_OF) and base):
            raise SourceError(
                f"The server setting git_extra_config {shown(item)} is not an url.<base>.insteadOf rewrite."
            )
        if base.startswith("file://") or base.startswith("/"):
            protocols.add("file")
        elif not base.startswith("https://"):
            raise SourceError(f"The server setting git_extra_config {shown(item)} rewrites to neither https nor file.")
        options.append(item)
    return options, tuple(sorted(protocols))


def git_command(settings: SourceSettings, *args: str) -> tuple[list[str], tuple[str, ...]]:
    """`git -c ...hardening... -c ...rewrites... ARGS` and the extra protocols the environment must allow."""
    rewrites, protocols = url_rewrites(settings)
    options = [*HARDENING_OPTIONS, *(f"protocol.{name}.allow=always" for name in protocols), *rewrites]
    command = ["git"]
    for option in options:
        command += ["-c", option]
    return [*command, *args], protocols


def run_git(settings: SourceSettings, home: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run one short hardened git command in `home` (its HOME and working folder); text output captured."""
    command, protocols = git_command(settings, *args)
    return subprocess.run(
        command,
        cwd=home,
        env=isolated_git_env(home, protocols),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def clone_command(
    url: str, branch: str | None, dest: Path, settings: SourceSettings
) -> tuple[list[str], tuple[str, ...]]:
    """The hardened `git clone` of one branch of the canonical `url` into `dest` (full history unless a
    depth is set: line attribution needs every commit, and a blobless clone would fetch blobs one by one)."""
    branch_args = [f"--branch={branch}"] if branch else []
    depth_args = [f"--depth={settings.git_clone_depth}"] if settings.git_clone_depth > 0 else []
    return git_command(
        settings,
        "clone",
        "--quiet",
        "--template=",
        "--single-branch",
        *branch_args,
        "--no-tags",
        *depth_args,
        "--no-recurse-submodules",
        "--end-of-options",
        url,
        str(dest),
    )
