"""Wording of the scheduler's messages: the three beats, deadline reminders, escalations, notices.

Reminders are sent as plain text (no parse mode), so parameters need no escaping.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "reminder.date": {"zh": "{y}年{m}月{d}日", "en": "{y}-{m:02d}-{d:02d}"},
    "reminder.continued": {"zh": "（续 {n}/{total}）", "en": "(continued {n}/{total})"},
    "reminder.list_sep": {"zh": "、", "en": ", "},
    "reminder.unbound": {
        "zh": "以下任务尚未绑定群组，发至本群：",
        "en": "These tasks are not bound to any chat, so they come here:",
    },
    # --- a task in a list ---
    "reminder.task.deadline": {"zh": "截止 {date}", "en": "due {date}"},
    "reminder.task.progress": {"zh": "进度 {progress}%", "en": "{progress}% done"},
    "reminder.task.blocked": {"zh": "受阻", "en": "blocked"},
    "reminder.task.details": {"zh": "（{details}）", "en": " ({details})"},
    "reminder.details_sep": {"zh": "，", "en": ", "},
    "reminder.task.note": {"zh": "{head} — {note}", "en": "{head} — {note}"},
    "reminder.no_party": {"zh": "未指定责任单位", "en": "no responsible party"},
    # --- buttons (callback data done:<id>, progress:<id>, blocked:<id>) ---
    "reminder.button.done": {"zh": "✅ #{id} 完成", "en": "✅ #{id} done"},
    "reminder.button.progress": {"zh": "📝 #{id} 进展", "en": "📝 #{id} progress"},
    "reminder.button.blocked": {"zh": "⛔ #{id} 受阻", "en": "⛔ #{id} blocked"},
    "reminder.how_to_report": {
        "zh": "请点击下方按钮，或回复本消息，或发送 /done 编号、/status 编号 进展、/blocked 编号 原因。",
        "en": "Press a button below, reply to this message, or send /done N, /status N text, "
        "/blocked N reason.",
    },
    "reminder.more_than_buttons": {
        "zh": "任务较多，按钮只列前 {count} 项，其余请用命令汇报。",
        "en": "Buttons cover the first {count} tasks only; report the others with the commands.",
    },
    # --- weekly dispatch (每周一调度) ---
    "reminder.weekly.title": {"zh": "【每周调度】{date}", "en": "[Weekly dispatch] {date}"},
    "reminder.weekly.intro": {
        "zh": "在办任务 {count} 项，请汇报本周进展：",
        "en": "{count} open tasks — please report this week's progress:",
    },
    "reminder.weekly.overdue_mark": {"zh": "⚠️逾期 {days} 天 ", "en": "⚠️ {days} days overdue: "},
    "reminder.weekly.more": {
        "zh": "另有 {count} 项，发送 /tasks 查看",
        "en": "{count} more — send /tasks to see them",
    },
    "reminder.weekly.mention": {"zh": "请 {people} 汇报。", "en": "{people}: please report."},
    "reminder.lead_unit": {"zh": "{unit}（牵头）", "en": "{unit} (lead)"},
    "reminder.weekly.not_reported": {
        "zh": "自上次调度以来尚未汇报：{parties}",
        "en": "Not reported since the last dispatch: {parties}",
    },
    "reminder.weekly.all_reported": {
        "zh": "各责任单位自上次调度以来均已汇报，谢谢。",
        "en": "Every responsible party has reported since the last dispatch — thank you.",
    },
    # --- fortnightly bulletin (半月一通报) ---
    "reminder.fortnightly.title": {"zh": "【半月通报】{date}", "en": "[Fortnightly bulletin] {date}"},
    "reminder.fortnightly.scope_chat": {"zh": "本群任务 {count} 项：", "en": "This chat's {count} tasks:"},
    "reminder.fortnightly.scope_all": {"zh": "全部任务 {count} 项：", "en": "All {count} tasks:"},
    "reminder.fortnightly.counts": {
        "zh": "已完成 {done} · 正常推进 {on_track} · 逾期 {overdue} · 受阻 {blocked} · 未汇报 {silent}",
        "en": "done {done} · on track {on_track} · overdue {overdue} · blocked {blocked} · silent {silent}",
    },
    "reminder.standing.done": {"zh": "本期完成：", "en": "Done this period:"},
    "reminder.standing.overdue": {"zh": "逾期：", "en": "Overdue:"},
    "reminder.standing.blocked": {"zh": "受阻：", "en": "Blocked:"},
    "reminder.standing.silent": {"zh": "{days} 天以上未汇报：", "en": "No report for {days} days or more:"},
    "reminder.entry.overdue": {"zh": "逾期 {days} 天", "en": "{days} days overdue"},
    "reminder.entry.silent_since": {"zh": "上次汇报 {date}", "en": "last report {date}"},
    "reminder.entry.never_reported": {"zh": "从未汇报", "en": "never reported"},
    "reminder.red.title": {"zh": "红榜：", "en": "Red list (doing well):"},
    "reminder.red.entry": {"zh": "{rank}. {party}：{why}", "en": "{rank}. {party}: {why}"},
    "reminder.black.title": {"zh": "黑榜：", "en": "Black list (falling behind):"},
    "reminder.black.entry": {"zh": "{rank}. {party}：{why}", "en": "{rank}. {party}: {why}"},
    "reminder.why.done": {"zh": "按期办结 {n} 项", "en": "{n} done on time"},
    "reminder.why.reported": {"zh": "本期汇报 {n} 项", "en": "reported on {n} tasks"},
    "reminder.why.progress": {"zh": "平均进度 {progress}%", "en": "mean progress {progress}%"},
    "reminder.why.overdue": {
        "zh": "逾期未完成 {n} 项（最长 {days} 天）",
        "en": "{n} overdue (up to {days} days)",
    },
    "reminder.why.done_late": {"zh": "逾期办结 {n} 项", "en": "{n} finished late"},
    "reminder.why.silent": {
        "zh": "{n} 项超过 {days} 天未汇报",
        "en": "{n} without a report for {days}+ days",
    },
    "reminder.unbound_collective": {
        "zh": "以下为统称，不参与排名，请在各单位的工作群中分别发送 /bind 绑定：{parties}",
        "en": "Collective names, not ranked — bind them in each unit's own group with /bind: {parties}",
    },
    "reminder.unbound_parties": {
        "zh": "以下责任单位尚未绑定工作群（在其群中发送 /bind 单位名称）：{parties}",
        "en": "No group answers for these parties yet (send /bind NAME in their group): {parties}",
    },
    "reminder.list_empty": {"zh": "（无）", "en": "(none)"},
    # --- monthly consultation (一月一会商) ---
    "reminder.monthly.title": {"zh": "【月度会商】{date}", "en": "[Monthly consultation] {date}"},
    "reminder.monthly.intro": {
        "zh": "以下 {count} 项任务提请本月会商研究：",
        "en": "{count} stuck tasks for this month's coordination meeting:",
    },
    "reminder.stuck.blocked": {"zh": "受阻", "en": "blocked"},
    "reminder.stuck.overdue": {"zh": "逾期 {days} 天", "en": "{days} days overdue"},
    "reminder.stuck.units": {"zh": "涉及单位：{units}", "en": "units: {units}"},
    "reminder.stuck.reason": {"zh": "{unit}受阻：{reason}", "en": "{unit} blocked: {reason}"},
    "reminder.escalation.latest": {"zh": "最新汇报：{text}", "en": "latest report: {text}"},
    "reminder.stuck.no_progress": {
        "zh": "上次会商以来无进展",
        "en": "no progress since the last consultation",
    },
    # --- deadlines ---
    "reminder.deadline.title": {"zh": "【截止提醒】{date}", "en": "[Deadline reminder] {date}"},
    "reminder.deadline.due": {
        "zh": "距截止还有 {days} 天（{deadline}）",
        "en": "{days} days left (due {deadline})",
    },
    "reminder.deadline.overdue": {
        "zh": "已逾期 {days} 天（截止 {deadline}）",
        "en": "{days} days overdue (was due {deadline})",
    },
    # --- escalation to the leaders ---
    "reminder.escalation.title": {"zh": "【逾期督办】{date}", "en": "[Escalation] {date}"},
    "reminder.escalation.intro": {
        "zh": "以下任务逾期超过 {days} 天仍未完成，提请领导督办：",
        "en": "Overdue by more than {days} days and still open — for the leaders' attention:",
    },
    "reminder.escalation.entry": {
        "zh": "{parties}；逾期 {days} 天，进度 {progress}%",
        "en": "{parties}; {days} days overdue, {progress}% done",
    },
    # --- notices to the admins (privately) ---
    "reminder.notice.forbidden": {
        "zh": "⚠️ 机器人已无法向「{title}」（{chat_id}）发送消息（可能已被移出群组或被屏蔽），"
        "该群的提醒已停止。重新拉入机器人后请重新绑定。",
        "en": "⚠️ The bot can no longer send to “{title}” ({chat_id}) — it was removed or blocked. "
        "Reminders to that chat have stopped; add the bot back and bind the chat again.",
    },
}
