"""Telegram's error answers: the status code, the description and the optional ``parameters``."""

from __future__ import annotations

from typing import Any

# Descriptions used when a test injects an error code without saying what Telegram would have said.
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """One failed Bot API call, answered as ``{"ok": false, "error_code": …, "description": …}``."""

    def __init__(self, code: int, description: str, parameters: dict[str, int] | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def chat_migrated(new_chat_id: int) -> ApiError:
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


def injected(code: int, description: str | None, retry_after: int | None, migrate_to: int | None) -> ApiError:
    """Build the error a test asked for with ``fail_next``, filling in Telegram's usual wording."""
    if code == 429:
        seconds = 3 if retry_after is None else retry_after
        return ApiError(
            429, description or f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
        )
    if migrate_to is not None:
        error = chat_migrated(migrate_to)
        if description:
            error.description = description
        return error
    parameters = {"retry_after": retry_after} if retry_after is not None else None
    return ApiError(code, description or DEFAULT_DESCRIPTIONS.get(code, "Internal Server Error"), parameters)
