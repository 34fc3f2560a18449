"""Settings: a YAML file overlaid by ``TASKBOT_*`` environment variables.

Precedence, highest first: keyword arguments, environment (``TASKBOT_DATABASE__URL``), the YAML
file (``--config PATH`` or ``TASKBOT_CONFIG``), then the defaults below.
"""

from __future__ import annotations

import datetime as dt
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

CONFIG_ENV = "TASKBOT_CONFIG"
HOME_ENV = "TASKBOT_HOME"
DEFAULT_DATABASE_FILE = "taskbot.db"
# The YAML layer for the Settings being built now (a context variable keeps this thread-safe).
_pending_file_data: ContextVar[dict[str, Any] | None] = ContextVar("_pending_file_data", default=None)


class ConfigError(Exception):
    """A configuration that cannot be used; the message is fit to show a user as it is."""


def data_home() -> Path:
    """The data directory: $TASKBOT_HOME, else $XDG_DATA_HOME/taskbot, else ~/.local/share/taskbot."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "taskbot"


class DatabaseSettings(BaseModel):
    # None: the SQLite file taskbot.db in the data directory (see data_home), wherever the command runs.
    url: str | None = None
    echo: bool = False

    @property
    def effective_url(self) -> str:
        """The URL to open: URL, or the SQLite file in the per-user data directory."""
        return self.url or f"sqlite:///{data_home() / DEFAULT_DATABASE_FILE}"


class WebhookSettings(BaseModel):
    listen: str = "0.0.0.0"
    port: int = Field(8443, ge=1, le=65535)
    url: str | None = None
    url_path: str = "telegram"
    secret_token: SecretStr | None = None


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    base_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookSettings = WebhookSettings()
    max_file_bytes: int = Field(10 * 1024 * 1024, ge=1)


class BeatTime(BaseModel):
    time: dt.time = dt.time(9, 0)


class FortnightlySettings(BeatTime):
    mode: Literal["anchor", "semimonthly"] = "anchor"
    # A Monday; every 14 days from it (moved to the next workday when it is a holiday).
    anchor: dt.date = dt.date(2026, 1, 5)


class ScheduleSettings(BaseModel):
    enabled: bool = True
    weekly: BeatTime = BeatTime()
    fortnightly: FortnightlySettings = FortnightlySettings()
    monthly: BeatTime = BeatTime()
    deadline: BeatTime = BeatTime()
    deadline_offsets: list[int] = Field(default_factory=lambda: [7, 3, 1])
    escalate_after_days: int = Field(3, ge=0)
    grace_hours: float = Field(12, ge=0)

    @field_validator("deadline_offsets")
    @classmethod
    def _positive_offsets(cls, v: list[int]) -> list[int]:
        if any(d <= 0 for d in v):
            raise ValueError("offsets are days before the deadline and must be positive")
        return sorted(set(v), reverse=True)


class RateLimitSettings(BaseModel):
    per_second: float = Field(30, gt=0)
    per_chat_per_minute: float = Field(20, gt=0)
    max_retries: int = Field(5, ge=0)


class RedBlackSettings(BaseModel):
    """Rules of the red/black list (红黑榜); see the README."""

    silent_days: int = Field(14, ge=1)
    red_min_progress: int = Field(0, ge=0, le=100)
    black_overdue_days: int = Field(1, ge=0)
    size: int = Field(5, ge=1)


class HttpSettings(BaseModel):
    """The operations HTTP server in the bot process: /healthz, /readyz, /metrics (see README)."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(9464, ge=0, le=65535)  # 0: any free port (tests)


class WebSettings(BaseModel):
    """The 看板 Mini App on the HTTP server above (see README "The 看板 Mini App")."""

    enabled: bool = False
    # The https address Telegram opens (the reverse proxy's), e.g. https://bot.example.org/app/;
    # without it the bot offers no Mini App button.
    public_url: str | None = None
    max_age: int = Field(86400, ge=60)  # seconds an initData stays valid after Telegram signed it

    @field_validator("public_url")
    @classmethod
    def _https(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith("https://"):
            raise ValueError(
                "web.public_url must start with https:// (Telegram opens Mini Apps over https only)"
            )
        return v


class LoggingSettings(BaseModel):
    format: Literal["text", "json"] = "text"


class CalendarSettings(BaseModel):
    """The office's own rest days and make-up workdays; they win over chinese-calendar and the
    statutory fallback (see ``taskbot.domain.calendar``)."""

    holidays: list[str] = Field(default_factory=list)
    workdays: list[str] = Field(default_factory=list)

    @field_validator("holidays", "workdays", mode="before")
    @classmethod
    def _days(cls, v: Any) -> Any:
        from taskbot.domain.calendar import parse_days

        if not isinstance(v, list):
            return v
        # YAML reads a bare 2027-01-01 as a date, a range as a string: keep both as text.
        specs = [item.isoformat() if isinstance(item, dt.date) else item for item in v]
        for spec in specs:
            if isinstance(spec, str):
                parse_days(spec)
        return specs

    @model_validator(mode="after")
    def _not_both(self) -> CalendarSettings:
        from taskbot.domain.calendar import expand_days

        both = sorted(expand_days(self.holidays) & expand_days(self.workdays))
        if both:
            raise ValueError(f"{both[0]} is both in calendar.holidays and in calendar.workdays")
        return self

    def holiday_dates(self) -> frozenset[dt.date]:
        from taskbot.domain.calendar import expand_days

        return expand_days(self.holidays)

    def workday_dates(self) -> frozenset[dt.date]:
        from taskbot.domain.calendar import expand_days

        return expand_days(self.workdays)


class RemindersSettings(BaseModel):
    """How much one reminder shows (a phone screen, not a ledger)."""

    max_items: int = Field(10, ge=1, le=100)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TASKBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    admins: list[int] = Field(default_factory=list)
    leaders: list[int] = Field(default_factory=list)
    chat_admins_are_admins: bool = False
    leaders_chat_id: int | None = None
    default_chat_id: int | None = None
    schedule: ScheduleSettings = ScheduleSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    redblack: RedBlackSettings = RedBlackSettings()
    calendar: CalendarSettings = CalendarSettings()
    reminders: RemindersSettings = RemindersSettings()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    http: HttpSettings = HttpSettings()
    web: WebSettings = WebSettings()
    logging: LoggingSettings = LoggingSettings()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {v!r}") from None
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _YamlSource(settings_cls, _pending_file_data.get() or {})


class _YamlSource(PydanticBaseSettingsSource):
    """Settings read from the YAML file."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self.data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.__class__.__name__})") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    except ValueError as exc:
        # A value YAML reads as a date but no calendar has, e.g. 2027-02-30.
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of settings")
    return data


def _describe(exc: ValidationError, source: str) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown setting"
        # Never echo the offending input: it could be the token.
        parts.append(f"{field}: {msg}")
    return f"{source}: invalid configuration: " + "; ".join(parts)


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Load settings from PATH (or $TASKBOT_CONFIG) and the environment; raise ConfigError."""
    chosen = path or os.environ.get(CONFIG_ENV)
    source = str(chosen) if chosen else "environment"
    token = _pending_file_data.set(_read_yaml(Path(chosen)) if chosen else {})
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None
    finally:
        _pending_file_data.reset(token)
