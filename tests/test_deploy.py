"""What can be checked of the image and the deployment files without a Docker engine: the Dockerfile's
stages, order, user, volume and health check; its dependency step run here; compose.yaml's services
and TASKBOT_* variables against the settings model; the alert rules and the dashboard against the
metrics the bot exports."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from taskbot.config import ConfigError, HttpSettings, Settings, load_settings
from taskbot.ops.health import Probe
from taskbot.ops.metrics import Metrics
from taskbot.ops.web import HEALTH_PATH
from taskbot.runtime import Runtime

ROOT = Path(__file__).resolve().parents[1]
Instruction = tuple[str, str]


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions (keyword, rest), continuation lines joined, comments dropped."""
    out: list[Instruction] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, rest = full.partition(" ")
        out.append((keyword.upper(), rest.strip()))
    return out


def stages() -> dict[str, list[Instruction]]:
    named: dict[str, list[Instruction]] = {}
    current: list[Instruction] = []
    for keyword, rest in dockerfile():
        if keyword == "FROM":
            parts = rest.split()
            assert len(parts) == 3 and parts[1].upper() == "AS", f"every stage is named: FROM {rest}"
            current = named.setdefault(parts[2], [])
        current.append((keyword, rest))
    return named


def env_of(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in instructions:
        if keyword == "ENV":
            for item in shlex.split(rest):
                name, _, value = item.partition("=")
                env[name] = value
    return env


def test_the_image_is_built_in_two_stages_dependencies_before_the_source() -> None:
    built = stages()
    assert list(built) == ["build", "runtime"]
    build = built["build"]
    copies = [rest for keyword, rest in build if keyword == "COPY"]
    position = {rest: i for i, (keyword, rest) in enumerate(build) if keyword in {"COPY", "RUN"}}
    deps = next(i for i, (k, r) in enumerate(build) if k == "RUN" and "-r requirements.txt" in r)
    assert position["pyproject.toml ./"] < deps < position["src ./src"]
    assert copies.index("pyproject.toml ./") < copies.index("src ./src")
    final = next(r for k, r in build if k == "RUN" and "--no-deps ." in r)
    assert final, "the package itself is installed without touching the dependency layer"


def test_the_dependency_step_reads_exactly_the_dependencies_of_pyproject(tmp_path: Path) -> None:
    run = next(r for k, r in stages()["build"] if k == "RUN" and "tomllib" in r)
    command = run.split("> requirements.txt")[0].strip()
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    argv = shlex.split(command)
    assert argv[0] == "python"
    done = subprocess.run(
        [sys.executable, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    expected = project["dependencies"] + project["optional-dependencies"]["postgres"]
    assert done.stdout.split("\n")[:-1] == expected
    # Each line is a requirement pip accepts, and this environment (installed from the same file) meets it.
    for line in expected:
        requirement = Requirement(line)
        installed = metadata.version(requirement.name)
        assert requirement.specifier.contains(installed, prereleases=True), (line, installed)


def test_what_the_build_copies_is_in_the_repository_and_not_ignored() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    sources = [
        rest.split()[0]
        for keyword, rest in stages()["build"]
        if keyword == "COPY" and not rest.startswith("--from")
    ]
    assert sources == ["pyproject.toml", "README.md", "src"]
    for source in sources:
        assert (ROOT / source).exists()
        assert not any(fnmatch(source, pattern) for pattern in ignored)


def test_the_runtime_stage_runs_as_a_user_with_the_data_volume_and_a_health_check() -> None:
    runtime = stages()["runtime"]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert any(k == "RUN" and f"useradd --create-home --uid 10001 {users[-1]}" in r for k, r in runtime)
    assert any(k == "RUN" and "fonts-wqy-microhei" in r for k, r in runtime)  # the charts draw Chinese
    assert ("VOLUME", '["/data"]') in runtime
    env = env_of(runtime)
    assert env["TASKBOT_HOME"] == "/data"
    assert "TASKBOT_DATABASE__URL" not in env  # the store follows TASKBOT_HOME
    check = next(r for k, r in runtime if k == "HEALTHCHECK")
    assert f"/{{port}}{HEALTH_PATH}" in check.replace("127.0.0.1:", "/")
    assert f"'TASKBOT_HTTP__PORT', '{env['TASKBOT_HTTP__PORT']}'" in check
    assert ("EXPOSE", f"8443 {env['TASKBOT_HTTP__PORT']}") in runtime
    assert ("ENTRYPOINT", '["taskbot"]') in runtime and ("CMD", '["run"]') in runtime


def test_the_image_environment_is_a_valid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env_of(stages()["runtime"]).items():
        if name.startswith("TASKBOT_"):
            monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.http.enabled and settings.http.listen == "0.0.0.0"
    assert settings.http.port == HttpSettings().port  # the documented default port
    assert settings.database.effective_url == "sqlite:////data/taskbot.db"


def test_dockerignore_keeps_local_state_out_of_the_build_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "*.db*"} <= set(ignored)


# --- compose.yaml ---------------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")


def _substitute(value: str) -> str:
    """VALUE as compose would expand it with none of the variables set (required ones get a stand-in)."""

    def one(m: re.Match[str]) -> str:
        if m.group("op") == ":-":
            return m.group("arg")
        return "123456:stand-in" if "TOKEN" in m.group("name") else "stand-in"

    return _VARIABLE.sub(one, value)


def _field_path_exists(name: str) -> bool:
    """Whether TASKBOT_A__B names the setting a.b of the Settings model."""
    model: Any = Settings
    for part in name.removeprefix("TASKBOT_").lower().split("__"):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return False
        model = fields[part].annotation
    return True


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_has_the_store_the_bot_and_an_optional_proxy() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "taskbot", "proxy"}
    bot = services["taskbot"]
    assert bot["build"] == "."
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "taskbot-data:/data" in [v.split("#")[0].strip() for v in bot["volumes"]]
    assert services["proxy"]["profiles"] == ["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    assert (ROOT / "deploy" / "Caddyfile").is_file()


def test_every_taskbot_variable_of_compose_is_a_setting_and_they_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = compose()["services"]["taskbot"]["environment"]
    names = [n for n in env if n.startswith("TASKBOT_")]
    assert names and all(_field_path_exists(n) for n in names), [
        n for n in names if not _field_path_exists(n)
    ]
    for name in names:
        monkeypatch.setenv(name, _substitute(str(env[name])))
    try:
        settings = load_settings()
    except ConfigError as exc:  # pragma: no cover - the message is the point
        pytest.fail(str(exc))
    assert settings.database.effective_url.startswith("postgresql+psycopg://taskbot:")
    assert settings.http.enabled and settings.logging.format == "json"
    assert settings.telegram.mode == "polling"


def test_the_compose_port_is_the_one_the_image_checks() -> None:
    bot = compose()["services"]["taskbot"]
    port = env_of(stages()["runtime"])["TASKBOT_HTTP__PORT"]
    assert str(bot["environment"]["TASKBOT_HTTP__PORT"]) == port
    assert port in [str(p).split("#")[0].strip() for p in bot["expose"]]


def test_field_path_check_refuses_unknown_names() -> None:
    assert _field_path_exists("TASKBOT_TELEGRAM__WEBHOOK__URL")
    assert not _field_path_exists("TASKBOT_TELEGRAM__WEBHOOK__NOPE")
    assert not _field_path_exists("TASKBOT_NOPE")


# --- alert rules and the dashboard ---------------------------------------------------------------------

_METRIC = re.compile(r"\btaskbot_[a-z_]+\b")


def exported_names(runtime: Runtime) -> set[str]:
    """Every sample name the bot's /metrics can carry (counters' _total, histograms' _bucket …)."""
    metrics = Metrics()
    metrics.watch_store(Probe(runtime, leader=lambda: True))
    names: set[str] = set()
    for family in metrics.registry.collect():
        if family.type == "counter":
            names |= {f"{family.name}_total", f"{family.name}_created"}
        elif family.type == "histogram":
            names |= {f"{family.name}_{s}" for s in ("bucket", "count", "sum", "created")}
        else:
            names.add(family.name)
    return names


def test_the_alert_rules_use_only_exported_metrics(runtime: Runtime) -> None:
    rules = yaml.safe_load((ROOT / "deploy" / "taskbot-alerts.yml").read_text(encoding="utf-8"))
    exprs = [r["expr"] for group in rules["groups"] for r in group["rules"]]
    alerts = {r["alert"] for group in rules["groups"] for r in group["rules"]}
    assert {"TaskbotBacklogGrowing", "TaskbotBeatMissed", "TaskbotDeliveriesFailing"} <= alerts
    used = {name for e in exprs for name in _METRIC.findall(e)}
    assert used and used <= exported_names(runtime), used - exported_names(runtime)
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text(encoding="utf-8"))
    assert prometheus["rule_files"] == ["taskbot-alerts.yml"]
    port = env_of(stages()["runtime"])["TASKBOT_HTTP__PORT"]
    assert prometheus["scrape_configs"][0]["static_configs"][0]["targets"] == [f"taskbot:{port}"]


def test_the_dashboard_uses_only_exported_metrics(runtime: Runtime) -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {name for e in exprs for name in _METRIC.findall(e)}
    exported = exported_names(runtime)
    assert used <= exported, used - exported
    # Every family the bot exports is on the dashboard or behind an alert.
    families = {re.sub(r"_(total|bucket|count|sum|created)$", "", n) for n in exported}
    shown = {re.sub(r"_(total|bucket|count|sum|created)$", "", n) for n in used}
    rules = (ROOT / "deploy" / "taskbot-alerts.yml").read_text(encoding="utf-8")
    alerted = {re.sub(r"_(total|bucket|count|sum|created)$", "", n) for n in _METRIC.findall(rules)}
    assert families <= shown | alerted | {"taskbot_bot_api_requests"}, families - shown - alerted
