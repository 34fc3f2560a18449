"""The domain: task statuses, cadences, beats and deadlines. Pure: no I/O, the clock is passed in."""

from taskbot.domain.values import Beat, Cadence, DeliveryStatus, ReportKind, TaskStatus

__all__ = ["Beat", "Cadence", "DeliveryStatus", "ReportKind", "TaskStatus"]
