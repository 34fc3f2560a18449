"""Wording of the 督办 workflow: completion review (办结审核 / 销号 / 退回) and extensions (延期申请)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- history entries ---
    "bot.kind.claimed": {"zh": "申请办结", "en": "claimed done"},
    "bot.kind.approved": {"zh": "审核通过（销号）", "en": "completion approved"},
    "bot.kind.returned": {"zh": "退回", "en": "returned"},
    "bot.kind.extension": {"zh": "申请延期", "en": "asked for an extension"},
    "bot.kind.extended": {"zh": "批准延期", "en": "extension granted"},
    "bot.kind.ext_refused": {"zh": "驳回延期", "en": "extension refused"},
    "bot.completion.extended": {"zh": "延期办结", "en": "done by the extension"},
    # --- help and menu ---
    "bot.help.extend": {
        "zh": "/extend 编号 日期 原因 — 申请延期（督查室审批）",
        "en": "/extend N date reason — ask the office for more time",
    },
    "bot.cmd.extend": {
        "zh": "申请延期：/extend 编号 日期 原因",
        "en": "Ask for more time: /extend N date reason",
    },
    "bot.help.admin.pending": {
        "zh": "/pending — 待处理的办结审核和延期申请，以及未归入任务的回复",
        "en": "/pending — completion reviews and extension requests awaiting you, and replies no task took",
    },
    "admin.cmd.pending": {"zh": "待处理的审核和延期申请", "en": "Reviews and extensions awaiting you"},
    # --- an official's side ---
    "bot.claimed.ok": {
        "zh": "📨 {who} 已提交任务 {task} 的办结申请{note}\n等待督查室审核（销号）。",
        "en": "📨 {who} reported {task} done{note}\nAwaiting the supervising office's review.",
    },
    "workflow.extend.ok": {
        "zh": "⏳ 已提交任务 {task} 的延期申请（延至 {date}），等待督查室审批；"
        "审批前本单位不再收到该任务的逾期提醒。",
        "en": "⏳ Asked for {task} to be extended to {date}; awaiting the supervising office. "
        "No overdue reminders for it reach this unit meanwhile.",
    },
    "workflow.usage.extend": {
        "zh": "用法：/extend 编号 日期 原因，例如 /extend 3 2027-01-15 资金尚未到位。",
        "en": "Usage: /extend N date reason, e.g. /extend 3 2027-01-15 funding not yet received.",
    },
    # --- the office's side ---
    "workflow.office.review": {
        "zh": "📋 <b>办结审核</b> {task}\n单位：{unit}\n申请人：{who}（{when}）{note}",
        "en": "📋 <b>Completion review</b> {task}\nUnit: {unit}\nBy: {who} ({when}){note}",
    },
    "workflow.office.extension": {
        "zh": "⏳ <b>延期申请</b> {task}\n单位：{unit}\n申请人：{who}（{when}）\n"
        "原时限：{deadline} → 申请延至：{date}\n原因：{reason}",
        "en": "⏳ <b>Extension request</b> {task}\nUnit: {unit}\nBy: {who} ({when})\n"
        "Deadline: {deadline} → asked: {date}\nReason: {reason}",
    },
    "workflow.button.approve.review": {"zh": "✅ 通过（销号）", "en": "✅ Approve (close)"},
    "workflow.button.reject.review": {"zh": "↩️ 退回", "en": "↩️ Return"},
    "workflow.button.approve.extension": {"zh": "✅ 批准", "en": "✅ Grant"},
    "workflow.button.reject.extension": {"zh": "❌ 驳回", "en": "❌ Refuse"},
    "workflow.decided.approved": {
        "zh": "✅ 已通过（销号）：{who}，{when}",
        "en": "✅ Approved by {who}, {when}",
    },
    "workflow.decided.returned": {
        "zh": "↩️ 已退回：{who}，{when}：{reason}",
        "en": "↩️ Returned by {who}, {when}: {reason}",
    },
    "workflow.decided.extended": {
        "zh": "✅ 已批准延期至 {date}：{who}，{when}",
        "en": "✅ Extended to {date} by {who}, {when}",
    },
    "workflow.decided.ext_refused": {"zh": "❌ 已驳回：{who}，{when}", "en": "❌ Refused by {who}, {when}"},
    "workflow.callback.approved": {"zh": "已通过", "en": "Approved"},
    "workflow.callback.extended": {"zh": "已批准", "en": "Granted"},
    "workflow.callback.ext_refused": {"zh": "已驳回", "en": "Refused"},
    "workflow.callback.prompted": {
        "zh": "请回复机器人的提示，写明退回原因",
        "en": "Reply to the bot's prompt with the reason",
    },
    "workflow.prompt.return": {
        "zh": "{user}，请回复本消息说明退回任务 {task}（{unit}）的原因。",
        "en": "{user}, please reply to this message with why {task} ({unit}) is returned.",
    },
    "workflow.prompt.placeholder": {"zh": "退回原因", "en": "Why it is returned"},
    "workflow.return.ok": {
        "zh": "↩️ 已退回任务 {task}（{unit}），原因已告知该单位。",
        "en": "↩️ Returned {task} ({unit}); the unit has been told why.",
    },
    "workflow.pending.header": {
        "zh": "<b>待处理的申请 {count} 项</b>",
        "en": "<b>{count} requests awaiting you</b>",
    },
    "workflow.notes.header": {
        "zh": "<b>未归入任务的回复 {count} 条</b>（最近的在前）",
        "en": "<b>{count} replies no task took</b> (newest first)",
    },
    "workflow.notes.line": {
        "zh": "💬 {who} {when}（回复任务 {tasks} 的提醒）：{text}",
        "en": "💬 {who} {when} (a reply to the reminder of {tasks}): {text}",
    },
    "workflow.pending.empty": {
        "zh": "目前没有待处理的办结审核或延期申请。",
        "en": "No completion reviews or extension requests are waiting.",
    },
    # --- the unit's group is told ---
    "workflow.unit.approved": {
        "zh": "✅ 任务 {task} 的办结申请已通过审核（销号）。",
        "en": "✅ The office approved the completion of {task}; it is closed for this unit.",
    },
    "workflow.unit.returned": {
        "zh": "↩️ 任务 {task} 的办结申请被督查室退回，原因：{reason}\n"
        "请继续办理，完成后再用 /done {task_id} 申请办结。",
        "en": "↩️ The office returned {task}: {reason}\n"
        "Please carry on and send /done {task_id} when finished.",
    },
    "workflow.unit.extended": {
        "zh": "✅ 任务 {task} 的延期申请已批准，本单位新的完成时限：{date}。",
        "en": "✅ The office granted the extension of {task}: this unit's new deadline is {date}.",
    },
    "workflow.unit.ext_refused": {
        "zh": "❌ 任务 {task} 的延期申请未获批准，完成时限不变（{deadline}）。",
        "en": "❌ The office refused to extend {task}; the deadline stays ({deadline}).",
    },
    # --- /task N ---
    "workflow.lines.header": {"zh": "<b>督办</b>", "en": "<b>Supervision</b>"},
    "workflow.line.review": {
        "zh": "{unit}：待审核（{who} {when} 申请办结）",
        "en": "{unit}: awaiting review ({who} claimed done {when})",
    },
    "workflow.line.extension": {
        "zh": "{unit}：延期申请中（申请延至 {date}）",
        "en": "{unit}: extension asked (to {date})",
    },
    "workflow.line.extended": {"zh": "{unit}：已延期至 {date}", "en": "{unit}: extended to {date}"},
    # --- 签收 ---
    "bot.kind.signed": {"zh": "签收", "en": "signed for"},
    "workflow.ack.new": {
        "zh": "📌 新任务 {task}\n责任单位：{unit}\n"
        "请本单位负责同志点击下方“签收”。发送 /task {task_id} 查看详情。",
        "en": "📌 New task {task}\nUnit: {unit}\nAn official of the unit, please press 签收 (sign for it). "
        "Send /task {task_id} for the detail.",
    },
    "workflow.ack.repeat": {
        "zh": "⏰ 任务 {task} 尚未签收（{unit}），请本单位负责同志尽快点击“签收”。",
        "en": "⏰ Task {task} has not been signed for yet ({unit}); "
        "an official of the unit, please press 签收.",
    },
    "workflow.button.ack": {"zh": "✍️ 签收", "en": "✍️ Sign for it"},
    "workflow.ack.office": {
        "zh": "📌 以下 {count} 个单位超过 {hours} 个工作小时仍未签收：",
        "en": "📌 {count} units have not signed for their task after {hours} working hours:",
    },
    "workflow.ack.office_line": {"zh": "· {task} — {unit}", "en": "· {task} — {unit}"},
    "workflow.ack.signed": {
        "zh": "✍️ {who} 已代表 {unit} 签收任务 {task}。",
        "en": "✍️ {who} signed for {task} on behalf of {unit}.",
    },
    "workflow.callback.signed": {"zh": "已签收", "en": "Signed"},
    "workflow.line.signed": {"zh": "{unit}：已签收（{who} {when}）", "en": "{unit}: signed ({who}, {when})"},
    "workflow.line.unsigned": {"zh": "{unit}：未签收", "en": "{unit}: not signed for yet"},
    "error.receipt_signed": {
        "zh": "{unit} 已由 {who} 于 {when} 签收，无需重复签收。",
        "en": "{who} already signed for {unit} at {when}.",
    },
    "error.receipt_not_unit": {
        "zh": "只有本单位的同志可以签收任务 {task_id}。",
        "en": "Only an official of the unit can sign for task {task_id}.",
    },
    # --- reporting rules (报送要求) and 催报 ---
    "reminder.report_due.title": {"zh": "【报送提醒】{date}", "en": "[Reports due] {date}"},
    "reminder.report_due.intro": {
        "zh": "本单位以下任务本期尚未报送进展，请按时报送：",
        "en": "This unit has not reported on these tasks for the period yet; please report in time:",
    },
    "reminder.report_due.line": {"zh": "{task} — 请于 {due} 前报送", "en": "{task} — due {due}"},
    "reminder.report_overdue.title": {"zh": "【催报名单】{date}", "en": "[Reports missing] {date}"},
    "reminder.report_overdue.intro": {
        "zh": "以下 {count} 个单位次未按时报送进展：",
        "en": "{count} unit reports were not made in time:",
    },
    "reminder.report_overdue.line": {
        "zh": "{task}（应于 {due} 前报送）：{units}",
        "en": "{task} (due {due}): {units}",
    },
    "bot.kind.report_rule": {"zh": "调整报送要求", "en": "reporting rule"},
    "bot.help.admin.due": {
        "zh": "/due 编号 每周五17:00|每月10日、25日|每日16时|none — 报送要求（当天提醒，逾期列入催报名单）",
        "en": "/due N 每周五17:00|每月10日、25日|每日16时|none — when units must report (then chased)",
    },
    "admin.cmd.due": {"zh": "报送要求：/due 编号 每周五17:00", "en": "Reporting rule: /due N 每周五17:00"},
    "workflow.usage.due": {
        "zh": "用法：/due 编号 报送要求，例如 /due 3 每周五17:00、/due 3 每月10日、25日，/due 3 none 取消。",
        "en": "Usage: /due N rule, e.g. /due 3 每周五17:00, /due 3 每月10日、25日, /due 3 none (clear).",
    },
    "workflow.bad_rule": {
        "zh": "无法识别报送要求“{given}”，请写成 每周五17:00、每月10日、25日、每日16时 或 每季度末。",
        "en": "I cannot read the rule “{given}”; write 每周五17:00, 每月10日、25日, 每日16时 or 每季度末.",
    },
    "workflow.due.ok": {
        "zh": "📮 任务 {task} 的报送要求：{rule}。",
        "en": "📮 {task} must be reported on {rule}.",
    },
    "workflow.due.cleared": {
        "zh": "📮 已取消任务 {task} 的报送要求。",
        "en": "📮 {task} no longer has a reporting rule.",
    },
    "workflow.rule.daily": {"zh": "每日", "en": "every day"},
    "workflow.rule.weekly": {"zh": "每周{weekday_zh}", "en": "every {weekday_en}"},
    "workflow.rule.monthly": {"zh": "每月{days}日", "en": "monthly on days {days}"},
    "workflow.rule.quarterly": {
        "zh": "每季度第{month}个月{day}日（0为月末）",
        "en": "quarterly, month {month} of the quarter, day {day} (0: the last)",
    },
    "workflow.rule.by": {"zh": " {due}前", "en": " by {due}"},
    "workflow.rule.by_day": {"zh": "当日内", "en": " by the end of the day"},
    # --- 催办 ---
    "bot.kind.urged": {"zh": "催办", "en": "urged"},
    "bot.kind.urge_ack": {"zh": "收到催办", "en": "urge acknowledged"},
    "bot.help.admin.urge": {
        "zh": "/urge 编号 [单位] [附言] — 催办（各单位点“收到”回执）",
        "en": "/urge N [unit] [note] — urge the units (each acknowledges with 收到)",
    },
    "admin.cmd.urge": {"zh": "催办：/urge 编号 [单位] [附言]", "en": "Urge: /urge N [unit] [note]"},
    "workflow.usage.urge": {
        "zh": "用法：/urge 编号 [单位] [附言]，例如 /urge 3 甲镇群 请本周内完成整改。",
        "en": "Usage: /urge N [unit] [note], e.g. /urge 3 甲镇群 please finish this week.",
    },
    "workflow.urge.text": {
        "zh": "📣 催办 {task}{note}\n请尽快办理并汇报进展，收到请点击下方按钮。{people}",
        "en": "📣 Urged: {task}{note}\nPlease act and report soon; press the button to acknowledge. {people}",
    },
    "workflow.button.urge_ack": {"zh": "👌 收到", "en": "👌 Received"},
    "workflow.urge.ok": {
        "zh": "📣 已向 {units} 发出任务 {task} 的催办。",
        "en": "📣 Urged {units} on {task}.",
    },
    "workflow.urge.acked": {
        "zh": "👌 {who}（{unit}）已收到任务 {task} 的催办（{when}）。",
        "en": "👌 {who} ({unit}) acknowledged the urging of {task} ({when}).",
    },
    "workflow.callback.urge_acked": {"zh": "已回执", "en": "Acknowledged"},
    "error.urge_acked": {
        "zh": "已由 {who} 于 {when} 回执收到。",
        "en": "{who} already acknowledged it at {when}.",
    },
    "error.urge_not_unit": {
        "zh": "只有被催办单位的同志可以回执（任务 {task_id}）。",
        "en": "Only an official of the urged unit can acknowledge it (task {task_id}).",
    },
    "error.nothing_to_urge": {
        "zh": "任务 {task_id} 没有尚未办结的单位可以催办。",
        "en": "Task {task_id} has no unit left to urge.",
    },
    # --- 佐证 ---
    "workflow.evidence.default": {"zh": "提交佐证材料", "en": "evidence sent"},
    "workflow.evidence.kept": {"zh": "📎 已附佐证材料：{name}", "en": "📎 Evidence kept: {name}"},
    "workflow.office.evidence": {"zh": "佐证材料 {count} 份：{names}", "en": "Evidence ({count}): {names}"},
    "workflow.line.evidence": {
        "zh": "📎{n} {unit} {who} {when}：{name}（{size}）",
        "en": "📎{n} {unit} {who} {when}: {name} ({size})",
    },
    "workflow.line.evidence_hint": {
        "zh": "发送 /file {task_id} 序号 取回佐证材料，如 /file {task_id} 1",
        "en": "Send /file {task_id} K to get evidence file K back, e.g. /file {task_id} 1",
    },
    "bot.help.file": {
        "zh": "/file 编号 序号 — 取回任务的第几份佐证材料（序号见 /task 编号 的 📎 行）",
        "en": "/file N K — get back evidence file K of task N (K as /task N numbers its 📎 lines)",
    },
    "bot.cmd.file": {"zh": "取回佐证材料：/file 编号 序号", "en": "Get evidence back: /file N K"},
    "bot.usage.file": {
        "zh": "用法：/file 编号 序号，例如 /file 3 1（序号见 /task 3 的 📎 行）。",
        "en": "Usage: /file N K, e.g. /file 3 1 (K as /task 3 numbers its 📎 lines).",
    },
    "workflow.file.no_such": {
        "zh": "任务 #{task_id} 没有第 {k} 份佐证材料（共 {count} 份，见 /task {task_id}）。"
        "用法：/file 编号 序号，例如 /file {task_id} 1。",
        "en": "Task #{task_id} has no evidence file {k} ({count} kept, see /task {task_id}). "
        "Usage: /file N K, e.g. /file {task_id} 1.",
    },
    "workflow.file.caption": {
        "zh": "📎 任务 #{task_id} {title}\n{unit} {who} {when} 提交：{name}",
        "en": "📎 Task #{task_id} {title}\n{unit}: sent by {who} on {when}: {name}",
    },
    "workflow.file.gone": {
        "zh": "抱歉，Telegram 已无法再发送这份材料（任务 #{task_id} 第 {k} 份）。",
        "en": "Sorry, Telegram can no longer send that file (task #{task_id}, file {k}).",
    },
    "export.sheet.evidence": {"zh": "佐证材料", "en": "Evidence"},
    "export.col.file_kind": {"zh": "材料类型", "en": "File type"},
    "export.col.file_name": {"zh": "文件名", "en": "File name"},
    "export.col.file_size": {"zh": "大小（字节）", "en": "Size (bytes)"},
    "export.col.file_id": {"zh": "Telegram 文件ID", "en": "Telegram file id"},
    # --- refusals ---
    "error.review_pending": {
        "zh": "任务 {task_id}（{unit}）的办结申请正在等待督查室审核，请勿重复提交。",
        "en": "Task {task_id} ({unit}) is already awaiting the office's review.",
    },
    "error.extension_pending": {
        "zh": "任务 {task_id}（{unit}）已有一项延期申请在等待审批。",
        "en": "An extension of task {task_id} ({unit}) is already awaiting the office.",
    },
    "error.extension_past": {
        "zh": "延期日期 {date} 已经过去（今天是 {today}），请填写今后的日期。",
        "en": "{date} is in the past (today is {today}); please give a later date.",
    },
    "error.extension_not_later": {
        "zh": "任务 {task_id} 的完成时限已是 {deadline}，延期日期 {date} 须晚于它。",
        "en": "Task {task_id} is already due {deadline}; {date} does not move it later.",
    },
    "error.extension_reason_required": {
        "zh": "请写明延期原因，例如 /extend 3 2027-01-15 资金尚未到位。",
        "en": "Please give the reason, e.g. /extend 3 2027-01-15 funding not yet received.",
    },
    "error.return_reason_required": {"zh": "请写明退回原因。", "en": "Please say why it is returned."},
    "error.own_request": {
        "zh": "不能审批自己提交的申请（任务 {task_id}），请由督查室其他同志处理。",
        "en": "You cannot decide your own request (task {task_id}); another member of the office must.",
    },
    "error.request_decided": {
        "zh": "这项申请已由 {who} 处理过了。",
        "en": "{who} has already decided this request.",
    },
    "error.request_unknown": {"zh": "找不到这项申请。", "en": "That request no longer exists."},
    "error.no_unit": {
        "zh": "任务 {task_id} 还没有责任单位群，无法申请延期；请先由督查室绑定。",
        "en": "Task {task_id} has no unit group yet, so there is nothing to extend; "
        "ask the office to bind one.",
    },
}
