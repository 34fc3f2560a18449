"""Wording of the chart pictures (``taskbot.charts``): titles, legend and axis, as drawn in the PNG."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "chart.title": {"zh": "各单位任务进展（{date}）", "en": "Tasks by unit ({date})"},
    "chart.done": {"zh": "已完成", "en": "done"},
    "chart.on_track": {"zh": "正常推进", "en": "on track"},
    "chart.overdue": {"zh": "逾期", "en": "overdue"},
    "chart.blocked": {"zh": "受阻", "en": "blocked"},
    "chart.silent": {"zh": "未汇报", "en": "silent"},
    "chart.axis": {"zh": "任务数", "en": "tasks"},
    "chart.trend": {"zh": "完成率趋势", "en": "Completion rate"},
    "chart.more_units": {"zh": "另有 {count} 个单位未列出", "en": "{count} more units not shown"},
    "report.chart_caption": {
        "zh": "📊 各单位任务进展图，文字报告见下。",
        "en": "📊 Tasks by unit; the written report follows.",
    },
    "report.trend": {
        "zh": "📈 比上期（{date}）：{changes}",
        "en": "📈 Since the last bulletin ({date}): {changes}",
    },
    "report.trend_same": {
        "zh": "📈 比上期（{date}）：各项持平",
        "en": "📈 Since the last bulletin ({date}): no change",
    },
    "trend.up": {"zh": "↑{count} 项{what}", "en": "↑{count} {what}"},
    "trend.down": {"zh": "↓{count} 项{what}", "en": "↓{count} {what}"},
    "trend.done": {"zh": "办结", "en": "done"},
    "trend.on_track": {"zh": "正常推进", "en": "on track"},
    "trend.overdue": {"zh": "逾期", "en": "overdue"},
    "trend.blocked": {"zh": "受阻", "en": "blocked"},
    "trend.silent": {"zh": "未汇报", "en": "silent"},
}
