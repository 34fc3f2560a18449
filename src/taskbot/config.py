"""Settings: a YAML file overlaid by ``TASKBOT_*`` environment variables.

Precedence, highest first: keyword arguments, environment (``TASKBOT_DATABASE__URL``), the YAML
file (``--config PATH`` or ``TASKBOT_CONFIG``), then the defaults below.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, SettingsError

from taskbot.domain.values import DATE_MAX, DATE_MIN, in_date_window

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


class Section(BaseModel):
    """A nested section of the settings: an unknown key in it is an error, as at the top level."""

    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(Section):
    # None: the SQLite file taskbot.db in the data directory (see data_home), wherever the command runs.
    url: str | None = None
    echo: bool = False

    @property
    def effective_url(self) -> str:
        """The URL to open: URL, or the SQLite file in the per-user data directory."""
        return self.url or f"sqlite:///{data_home() / DEFAULT_DATABASE_FILE}"


class WebhookSettings(Section):
    listen: str = "0.0.0.0"
    port: int = Field(8443, ge=1, le=65535)
    url: str | None = None
    url_path: str = "telegram"
    secret_token: SecretStr | None = None
    max_body_bytes: int = Field(1024 * 1024, ge=1024)

    @field_validator("secret_token")
    @classmethod
    def _telegram_secret(cls, v: SecretStr | None) -> SecretStr | None:
        # Telegram's rule; a secret it would refuse at setWebhook is better refused here.
        if v is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", v.get_secret_value()):
            raise ValueError("1 to 256 characters, only A-Z, a-z, 0-9, _ and -")
        return v


class TelegramSettings(Section):
    token: SecretStr | None = None
    base_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookSettings = WebhookSettings()
    max_file_bytes: int = Field(10 * 1024 * 1024, ge=1)


def _date_in_window(v: dt.date) -> dt.date:
    if not in_date_window(v):
        raise ValueError(f"the date must lie between {DATE_MIN} and {DATE_MAX}")
    return v


class BeatTime(Section):
    time: dt.time = dt.time(9, 0)


class FortnightlySettings(BeatTime):
    mode: Literal["anchor", "semimonthly"] = "anchor"
    # A Monday; every 14 days from it (moved to the next workday when it is a holiday).
    anchor: dt.date = dt.date(2026, 1, 5)

    @field_validator("anchor")
    @classmethod
    def _anchor_in_window(cls, v: dt.date) -> dt.date:
        return _date_in_window(v)


class ScheduleSettings(Section):
    enabled: bool = True
    weekly: BeatTime = BeatTime()
    fortnightly: FortnightlySettings = FortnightlySettings()
    monthly: BeatTime = BeatTime()
    deadline: BeatTime = BeatTime()
    deadline_offsets: list[int] = Field(default_factory=lambda: [7, 3, 1])
    # Bounded so that no date arithmetic on a deadline in the window can overflow.
    escalate_after_days: int = Field(3, ge=0, le=366)
    grace_hours: float = Field(12, ge=0, le=24 * 31)

    @field_validator("deadline_offsets")
    @classmethod
    def _positive_offsets(cls, v: list[int]) -> list[int]:
        if any(d <= 0 or d > 366 for d in v):
            raise ValueError("offsets are days before the deadline, from 1 to 366")
        return sorted(set(v), reverse=True)


class RateLimitSettings(Section):
    per_second: float = Field(30, gt=0)
    per_chat_per_minute: float = Field(20, gt=0)
    max_retries: int = Field(2, ge=0)


class DeliverySettings(BaseModel):
    """How the sender holds rows and keeps trying; see the README's "delivery ledger"."""

    # A row that keeps meeting network errors or 5xx is retried until it has failed this long.
    give_up_after: dt.timedelta = dt.timedelta(hours=48)
    # The longest wait between two attempts of one row (exponential backoff with jitter up to it).
    retry_cap: dt.timedelta = dt.timedelta(minutes=10)
    # Claims are leases of this length, renewed while the holder sends.
    lease: dt.timedelta = dt.timedelta(seconds=60)
    # Chats served at once: also the most messages a kill -9 can leave sent but unrecorded.
    concurrency: int = Field(8, ge=1)


class IngestSettings(Section):
    """Limits on bulletin files (``taskbot import`` and ``/import``), checked before they are read."""

    max_file_bytes: int = Field(20 * 1024 * 1024, ge=1)  # taskbot import; /import: telegram.max_file_bytes
    max_chars: int = Field(1_000_000, ge=1)
    max_zip_entries: int = Field(1000, ge=1)
    max_unzipped_bytes: int = Field(100 * 1024 * 1024, ge=1)
    max_zip_ratio: int = Field(100, ge=1)
    max_pdf_pages: int = Field(2000, ge=1)
    worker_timeout_seconds: float = Field(60, gt=0)
    worker_memory_mb: int = Field(1024, ge=64)


class RedBlackSettings(Section):
    """Rules of the red/black list (红黑榜); see the README."""

    silent_days: int = Field(14, ge=1, le=3660)
    red_min_progress: int = Field(0, ge=0, le=100)
    black_overdue_days: int = Field(1, ge=0, le=3660)
    size: int = Field(5, ge=1)


class HttpSettings(Section):
    """The operations HTTP server in the bot process: /healthz, /readyz, /metrics (see README)."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(9464, ge=0, le=65535)  # 0: any free port (tests)


class WebSettings(Section):
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


class LoggingSettings(Section):
    format: Literal["text", "json"] = "text"


class CalendarSettings(Section):
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


class RemindersSettings(Section):
    """How much one reminder shows (a phone screen, not a ledger)."""

    max_items: int = Field(10, ge=1, le=100)


class WorkflowSettings(Section):
    """The 督办 workflow: completion review (办结审核), 签收 and where the office gets its requests."""

    review: bool = True
    office_chat_id: int | None = None
    receipt: bool = True
    ack_hours: float = Field(24, gt=0)
    urge_repeat_hours: float = Field(4, gt=0)
    report_reminder_time: dt.time = dt.time(9, 0)
    report_overdue_time: dt.time = dt.time(17, 30)


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
    delivery: DeliverySettings = DeliverySettings()
    # Seconds between SIGTERM/SIGINT and the process exiting, whatever is still running.
    shutdown_timeout: float = Field(5, gt=0)
    redblack: RedBlackSettings = RedBlackSettings()
    ingest: IngestSettings = IngestSettings()
    calendar: CalendarSettings = CalendarSettings()
    reminders: RemindersSettings = RemindersSettings()
    workflow: WorkflowSettings = WorkflowSettings()
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
            raise ValueError("unknown timezone (use an IANA name such as Asia/Shanghai)") from None
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
        field = ".".join(_key_name(p) for p in err["loc"]) or "(root)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown setting" + _did_you_mean(err["loc"])
        # Never echo the offending input: it could be the token. Pydantic's messages name the
        # expected type or choices; a validator's message that quotes what it was given is scrubbed.
        parts.append(f"{field}: {_scrub(msg, err.get('input'))}")
    return f"{source}: invalid configuration: " + "; ".join(parts)


_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


def _key_name(part: int | str) -> str:
    """A key as the message may show it: a setting's name, never something pasted in its place."""
    if isinstance(part, int) or _KEY_NAME.fullmatch(part):
        return str(part)
    return "(a key that is not a setting name)"


def _scrub(message: str, given: Any) -> str:
    """MESSAGE with every text of the input GIVEN (a value, or the items of a list or mapping) cut out."""
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple | set):
            for item in value:
                collect(item)
        elif value is not None and not isinstance(value, bool):
            texts.append(str(value))

    collect(given)
    for text in sorted(texts, key=len, reverse=True):
        # A date or a range of dates (calendar.holidays) is no secret and says what is wrong.
        if len(text) >= 3 and not _DATES_ONLY.fullmatch(text):
            message = message.replace(text, "…")
    return message


_DATES_ONLY = re.compile(r"[\d\s./:~-]+(?:(?:\.\.|to|至)[\d\s./:~-]+)?")


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    """`` (did you mean "secret_token"?)`` for the unknown key at LOC, when a known one is close."""
    model: Any = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        model = field.annotation if field is not None else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


_ENV_FIELD = re.compile(r'error parsing value for field "([^"]+)" from source "EnvSettingsSource"')


def _describe_settings_error(exc: SettingsError) -> str:
    """One line for an environment value pydantic-settings cannot even parse (bad JSON), without it."""
    match = _ENV_FIELD.search(str(exc))
    if match:
        return f"environment: invalid configuration: TASKBOT_{match.group(1).upper()}: not valid JSON"
    return "environment: invalid configuration: a TASKBOT_* variable cannot be parsed"


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Load settings from PATH (or $TASKBOT_CONFIG) and the environment; raise ConfigError."""
    chosen = path or os.environ.get(CONFIG_ENV)
    source = str(chosen) if chosen else "environment"
    token = _pending_file_data.set(_read_yaml(Path(chosen)) if chosen else {})
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None
    except SettingsError as exc:
        raise ConfigError(_describe_settings_error(exc)) from None
    finally:
        _pending_file_data.reset(token)
