"""Wording of the admins' side: task commands, /import, /report, /export and the export workbook."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- the export workbook ---
    "export.sheet.tasks": {"zh": "任务", "en": "Tasks"},
    "export.sheet.history": {"zh": "历史", "en": "History"},
    "export.col.id": {"zh": "编号", "en": "ID"},
    "export.col.title": {"zh": "任务", "en": "Task"},
    "export.col.status": {"zh": "状态", "en": "Status"},
    "export.col.progress": {"zh": "进度%", "en": "Progress %"},
    "export.col.parties": {"zh": "责任单位", "en": "Responsible"},
    "export.col.assignees": {"zh": "责任人", "en": "Assignees"},
    "export.col.cadence": {"zh": "频次", "en": "Cadence"},
    "export.col.deadline": {"zh": "完成时限", "en": "Deadline"},
    "export.col.chat": {"zh": "群组", "en": "Chat"},
    "export.col.bulletin": {"zh": "来源通报", "en": "Bulletin"},
    "export.col.section": {"zh": "章节", "en": "Section"},
    "export.col.target": {"zh": "目标", "en": "Target"},
    "export.col.created_at": {"zh": "创建时间", "en": "Created"},
    "export.col.updated_at": {"zh": "更新时间", "en": "Updated"},
    "export.col.last_report_at": {"zh": "最近汇报", "en": "Last report"},
    "export.col.text": {"zh": "原文", "en": "Text"},
    "export.col.task_id": {"zh": "任务编号", "en": "Task ID"},
    "export.col.task_title": {"zh": "任务", "en": "Task"},
    "export.col.at": {"zh": "时间", "en": "When"},
    "export.col.actor": {"zh": "操作人", "en": "Who"},
    "export.col.kind": {"zh": "类型", "en": "Kind"},
}
