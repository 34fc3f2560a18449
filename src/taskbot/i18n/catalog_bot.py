"""Wording of the officials' side of the bot: help, task lists and details, reports, buttons, errors.

Messages are sent with HTML parse mode: parameters are escaped by the caller (``bot/render.py``).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- /start and /help ---
    "bot.start": {
        "zh": "您好，{name}！我是督查督办助手：提醒各责任单位按时汇报任务进展，并记录每一次汇报。\n\n",
        "en": "Hello, {name}! I am the supervision assistant: I remind the responsible officials of "
        "their tasks and record every report.\n\n",
    },
    "bot.help.header": {"zh": "<b>您可以使用的命令</b>", "en": "<b>What you can do</b>"},
    "bot.help.admin_header": {"zh": "<b>管理员命令</b>", "en": "<b>Admin commands</b>"},
    "bot.help.footer": {
        "zh": "任务编号见 /tasks。也可以直接回复提醒消息汇报进展，或点击提醒下方的按钮。",
        "en": "Task numbers are listed by /tasks. You can also reply to a reminder to report "
        "progress, or press the buttons under it.",
    },
    "bot.help.start": {"zh": "/start — 开始使用", "en": "/start — get started"},
    "bot.help.help": {"zh": "/help — 查看帮助", "en": "/help — this help"},
    "bot.help.tasks": {"zh": "/tasks — 本群（本对话）的在办任务", "en": "/tasks — this chat's open tasks"},
    "bot.help.my": {"zh": "/my — 我负责的任务", "en": "/my — the tasks you answer for"},
    "bot.help.task": {"zh": "/task 编号 — 任务详情和历史", "en": "/task N — a task's detail and history"},
    "bot.help.done": {"zh": "/done 编号 [说明] — 标记完成", "en": "/done N [note] — mark a task done"},
    "bot.help.status": {
        "zh": "/status 编号 [进度%] 进展 — 汇报进展，如 /status 3 50% 已完成摸底",
        "en": "/status N [NN%] text — report progress, e.g. /status 3 50% survey finished",
    },
    "bot.help.blocked": {
        "zh": "/blocked 编号 原因 — 报告受阻",
        "en": "/blocked N reason — report that a task is blocked",
    },
    "bot.help.admin.add": {
        "zh": "/add 标题 | 责任单位 | 每周 | 2026-12-31 — 新增任务（不带参数则逐步引导）",
        "en": "/add title | party | weekly | 2026-12-31 — add a task (no arguments: step by step)",
    },
    "bot.help.admin.assign": {
        "zh": "/assign 编号 @用户 — 指派责任人；/assign 编号 单位 牵头|配合 — 设定单位角色",
        "en": "/assign N @user — assign a task; /assign N UNIT lead|partner — set a unit's role",
    },
    "bot.help.admin.bind": {
        "zh": "/bind 责任单位 — 本群接收该单位的任务；/unbind 解除",
        "en": "/bind party — this chat receives that party's tasks; /unbind to undo",
    },
    "bot.help.admin.cadence": {
        "zh": "/cadence 编号 weekly|fortnightly|monthly|none — 设置提醒频次",
        "en": "/cadence N weekly|fortnightly|monthly|none — set a task's reminder cadence",
    },
    "bot.help.admin.deadline": {
        "zh": "/deadline 编号 YYYY-MM-DD — 设置完成时限",
        "en": "/deadline N YYYY-MM-DD — set a task's deadline",
    },
    "bot.help.admin.close": {
        "zh": "/close 编号 — 关闭任务；/reopen 编号 — 重新打开",
        "en": "/close N — close a task; /reopen N — open it again",
    },
    "bot.help.admin.import": {
        "zh": "/import — 导入通报（发送文件或粘贴文本）",
        "en": "/import — import a bulletin (send a file or paste its text)",
    },
    "bot.help.admin.report": {"zh": "/report — 当前红黑榜", "en": "/report — the red/black list now"},
    "bot.help.admin.export": {
        "zh": "/export — 导出任务和历史（Excel）",
        "en": "/export — tasks and their history as a spreadsheet",
    },
    # --- setMyCommands descriptions (plain text, at most 256 characters) ---
    "bot.cmd.start": {"zh": "开始使用", "en": "Get started"},
    "bot.cmd.help": {"zh": "查看帮助", "en": "What I can do for you"},
    "bot.cmd.tasks": {"zh": "本群的在办任务", "en": "This chat's open tasks"},
    "bot.cmd.my": {"zh": "我负责的任务", "en": "The tasks you answer for"},
    "bot.cmd.task": {"zh": "任务详情：/task 编号", "en": "A task's detail: /task N"},
    "bot.cmd.done": {"zh": "标记完成：/done 编号 [说明]", "en": "Mark done: /done N [note]"},
    "bot.cmd.status": {
        "zh": "汇报进展：/status 编号 [进度%] 进展",
        "en": "Report progress: /status N [NN%] text",
    },
    "bot.cmd.blocked": {"zh": "报告受阻：/blocked 编号 原因", "en": "Report blocked: /blocked N reason"},
    # --- task lists and detail ---
    "bot.tasks.header": {"zh": "<b>在办任务（{count} 项）</b>", "en": "<b>Open tasks ({count})</b>"},
    "bot.tasks.empty": {
        "zh": "本群目前没有在办任务。管理员可以用 /bind 责任单位 让本群接收任务。",
        "en": "This chat has no open tasks. An admin can make it receive tasks with /bind party.",
    },
    "bot.tasks.empty_private": {
        "zh": "目前没有需要您汇报的在办任务。",
        "en": "There are no open tasks for you to report on.",
    },
    "bot.tasks.all_header": {
        "zh": "<b>全部在办任务（{count} 项）</b>",
        "en": "<b>All open tasks ({count})</b>",
    },
    "bot.tasks.more": {
        "zh": "……另有 {count} 项未列出。",
        "en": "… and {count} more.",
    },
    "bot.my.header": {"zh": "<b>我负责的任务（{count} 项）</b>", "en": "<b>Your tasks ({count})</b>"},
    "bot.my.empty": {"zh": "目前没有指派给您的在办任务。", "en": "No open tasks are assigned to you."},
    "bot.my.group_hint": {
        "zh": "这里只列出本群的任务；私聊我可查看您的全部任务。",
        "en": "Only this chat's tasks are listed; message me privately to see all of yours.",
    },
    "bot.task.status": {"zh": "状态", "en": "Status"},
    "bot.task.parties": {"zh": "责任单位", "en": "Responsible"},
    "bot.task.assignees": {"zh": "责任人", "en": "Assignees"},
    "bot.task.cadence": {"zh": "频次", "en": "Cadence"},
    "bot.task.deadline": {"zh": "完成时限", "en": "Deadline"},
    "bot.task.target": {"zh": "目标", "en": "Target"},
    "bot.task.text": {"zh": "原文", "en": "Text"},
    "bot.task.history": {"zh": "<b>历史</b>", "en": "<b>History</b>"},
    "bot.task.no_history": {"zh": "（暂无记录）", "en": "(nothing yet)"},
    "bot.task.earlier": {"zh": "（更早的 {count} 条记录略）", "en": "({count} earlier entries not shown)"},
    "bot.task.reply_hint": {
        "zh": "回复本消息即可汇报进展。",
        "en": "Reply to this message to report progress.",
    },
    "bot.task.none": {"zh": "无", "en": "none"},
    "bot.deadline.due": {"zh": "截止 {date}", "en": "due {date}"},
    "bot.deadline.overdue": {"zh": "已逾期 {days} 天", "en": "{days} days overdue"},
    "bot.status.open": {"zh": "待办", "en": "to do"},
    "bot.status.in_progress": {"zh": "进行中", "en": "in progress"},
    "bot.status.blocked": {"zh": "受阻", "en": "blocked"},
    "bot.status.done": {"zh": "已完成", "en": "done"},
    "bot.status.cancelled": {"zh": "已关闭", "en": "closed"},
    "bot.cadence.daily": {"zh": "每天", "en": "daily"},
    "bot.cadence.weekly": {"zh": "每周", "en": "weekly"},
    "bot.cadence.fortnightly": {"zh": "每半月", "en": "fortnightly"},
    "bot.cadence.monthly": {"zh": "每月", "en": "monthly"},
    "bot.cadence.quarterly": {"zh": "每季度", "en": "quarterly"},
    "bot.cadence.yearly": {"zh": "每年", "en": "yearly"},
    "bot.kind.created": {"zh": "创建", "en": "created"},
    "bot.kind.status": {"zh": "汇报进展", "en": "progress"},
    "bot.kind.done": {"zh": "完成", "en": "done"},
    "bot.kind.blocked": {"zh": "受阻", "en": "blocked"},
    "bot.kind.closed": {"zh": "关闭", "en": "closed"},
    "bot.kind.reopened": {"zh": "重新打开", "en": "reopened"},
    "bot.kind.assigned": {"zh": "指派", "en": "assigned"},
    "bot.kind.cadence": {"zh": "调整频次", "en": "cadence"},
    "bot.kind.deadline": {"zh": "调整时限", "en": "deadline"},
    "bot.kind.edited": {"zh": "修改", "en": "edited"},
    "bot.kind.role": {"zh": "调整单位角色", "en": "role"},
    "bot.pick_unit": {
        "zh": "任务 {task_id} 由多个单位承办，请选择完成的是哪个单位：",
        "en": "Task {task_id} has several units — which one's share is done?",
    },
    "bot.history.for_unit": {"zh": "{who}（{unit}）", "en": "{who} ({unit})"},
    "bot.task.units": {"zh": "承办单位：", "en": "Units:"},
    "bot.task.unit_silent": {"zh": "尚未汇报", "en": "no report yet"},
    "bot.role.lead": {"zh": "牵头", "en": "lead"},
    "bot.role.partner": {"zh": "配合", "en": "partner"},
    "bot.completion.on_time": {"zh": "按期办结", "en": "done on time"},
    "bot.completion.late": {"zh": "逾期办结", "en": "done late"},
    # --- buttons ---
    "bot.button.done": {"zh": "✅ 完成", "en": "✅ Done"},
    "bot.button.progress": {"zh": "📝 汇报进展", "en": "📝 Report progress"},
    "bot.button.blocked": {"zh": "⛔ 受阻", "en": "⛔ Blocked"},
    # --- confirmations ---
    "bot.done.ok": {
        "zh": "✅ {who} 已将任务 {task} 标记为完成{note}",
        "en": "✅ {who} marked {task} done{note}",
    },
    "bot.status.ok": {
        "zh": "📝 已记录 {who} 对任务 {task} 的进展{progress}{note}",
        "en": "📝 Recorded {who}'s progress on {task}{progress}{note}",
    },
    "bot.status.progress": {"zh": "（{progress}%）", "en": " ({progress}%)"},
    "bot.blocked.ok": {
        "zh": "⛔ 已记录任务 {task} 受阻（{who}）{note}\n督查室会跟进协调。",
        "en": "⛔ Recorded that {task} is blocked ({who}){note}\nThe supervising office will follow up.",
    },
    "bot.note": {"zh": "：{text}", "en": ": {text}"},
    # --- buttons and prompts ---
    "bot.prompt.progress": {
        "zh": "{user}，请回复本消息汇报任务 {task} 的进展（可在开头写进度，如：50% 已完成摸底）。",
        "en": "{user}, please reply to this message with the progress of {task} "
        "(you may start with a percentage, e.g. 50% survey finished).",
    },
    "bot.prompt.blocked": {
        "zh": "{user}，请回复本消息说明任务 {task} 受阻的原因。",
        "en": "{user}, please reply to this message with the reason {task} is blocked.",
    },
    "bot.prompt.placeholder.progress": {"zh": "50% 已完成摸底", "en": "50% survey finished"},
    "bot.prompt.placeholder.blocked": {"zh": "受阻原因", "en": "Why it is blocked"},
    "bot.callback.done": {"zh": "已标记完成", "en": "Marked done"},
    "bot.callback.prompted": {"zh": "请回复机器人的提示消息", "en": "Please reply to the bot's prompt"},
    "bot.callback.unknown": {"zh": "这个按钮已失效。", "en": "This button no longer works."},
    "bot.reply.pick_task": {
        "zh": "已记下您的汇报。这条提醒包含多项任务，请点选它属于哪一项（30 分钟内有效）：",
        "en": "Your report is kept. That reminder lists several tasks — which one is it about "
        "(within 30 minutes)?",
    },
    "bot.reply.file_pick_task": {
        "zh": "已收到并存档附件。请点选它属于哪一项任务（30 分钟内有效）：",
        "en": "File received and kept. Which task is it about (within 30 minutes)?",
    },
    "bot.reply.kept": {
        "zh": "已收到并存档，督查室可查看。",
        "en": "Received and kept for the office.",
    },
    # --- usage and bad input ---
    "bot.usage.task": {"zh": "用法：/task 编号，例如 /task 3。", "en": "Usage: /task N, e.g. /task 3."},
    "bot.usage.done": {
        "zh": "用法：/done 编号 [说明]，例如 /done 3 已全部完成。",
        "en": "Usage: /done N [note], e.g. /done 3 all finished.",
    },
    "bot.usage.status": {
        "zh": "用法：/status 编号 [进度%] 进展，例如 /status 3 50% 已完成摸底。",
        "en": "Usage: /status N [NN%] text, e.g. /status 3 50% survey finished.",
    },
    "bot.usage.blocked": {
        "zh": "用法：/blocked 编号 原因，例如 /blocked 3 等待资金批复。",
        "en": "Usage: /blocked N reason, e.g. /blocked 3 waiting for funding.",
    },
    "bot.unknown_command": {
        "zh": "抱歉，我不认识这个命令。发送 /help 查看可用命令。",
        "en": "Sorry, I do not know that command. Send /help to see what I can do.",
    },
    # --- refusals from the task service (``error.<code>``) ---
    "error.not_found": {"zh": "没有编号为 {task_id} 的任务。", "en": "There is no task {task_id}."},
    "error.not_found_here": {
        "zh": "本对话中没有编号为 {task_id} 的任务。发送 /tasks 查看本对话的任务。",
        "en": "Task {task_id} is not one of this chat's tasks. Send /tasks to see them.",
    },
    "error.not_responsible": {
        "zh": "抱歉，您不是任务 {task_id} 的责任人，不能汇报或修改它。",
        "en": "Sorry, you are not responsible for task {task_id}, so you cannot report on or change it.",
    },
    "error.admin_only": {
        "zh": "抱歉，只有管理员可以这样做。",
        "en": "Sorry, only an admin can do that.",
    },
    "error.office_admin_only": {
        "zh": "抱歉，只有督查室管理员（配置中的 admins）可以这样做。",
        "en": "Sorry, only the supervising office's admins (the configured admins) can do that.",
    },
    "error.text_required": {
        "zh": "请写上进展内容，例如 /status 3 50% 已完成摸底。",
        "en": "Please say what the progress is, e.g. /status 3 50% survey finished.",
    },
    "error.progress_range": {
        "zh": "进度应在 0% 到 100% 之间（您写的是 {progress}%）。",
        "en": "Progress must be between 0% and 100% (you wrote {progress}%).",
    },
    "error.reason_required": {
        "zh": "请写上受阻原因，例如 /blocked 3 等待资金批复。",
        "en": "Please give the reason, e.g. /blocked 3 waiting for funding.",
    },
    "error.already_done": {
        "zh": "任务 {task_id} 已经完成，无需重复标记。",
        "en": "Task {task_id} is already done.",
    },
    "error.task_done": {
        "zh": "任务 {task_id} 已完成。如需继续跟进，请管理员用 /reopen {task_id} 重新打开。",
        "en": "Task {task_id} is done. An admin can open it again with /reopen {task_id}.",
    },
    "error.task_closed": {
        "zh": "任务 {task_id} 已关闭。如需继续跟进，请管理员用 /reopen {task_id} 重新打开。",
        "en": "Task {task_id} is closed. An admin can open it again with /reopen {task_id}.",
    },
    "error.already_closed": {"zh": "任务 {task_id} 已经关闭。", "en": "Task {task_id} is already closed."},
    "error.not_closed": {
        "zh": "任务 {task_id} 仍在办理中，无需重新打开。",
        "en": "Task {task_id} is still open.",
    },
    "error.already_assigned": {
        "zh": "{person} 已经是任务 {task_id} 的责任人。",
        "en": "{person} is already assigned to task {task_id}.",
    },
    "error.not_assigned": {
        "zh": "{person} 不是任务 {task_id} 的责任人。",
        "en": "{person} is not assigned to task {task_id}.",
    },
    "error.note_recorded": {
        "zh": "这条汇报已记入任务 {task_id}。",
        "en": "That report was already recorded on task {task_id}.",
    },
    "error.note_expired": {
        "zh": "已超过 {minutes} 分钟，这条汇报已作为未归类记录留存，请用 /status 编号 重新汇报。",
        "en": "More than {minutes} minutes have passed; the report stays as an unfiled note — "
        "please report again with /status N.",
    },
    "error.which_unit": {
        "zh": "任务 {task_id} 由多个单位承办（{units}），请写明单位，例如 /done {task_id} 单位名称。",
        "en": "Task {task_id} has several units ({units}); name one, e.g. /done {task_id} UNIT.",
    },
    "error.unit_unknown": {
        "zh": "任务 {task_id} 没有名为「{unit}」的承办单位。{units}",
        "en": "Task {task_id} has no unit called “{unit}”. {units}",
    },
    "error.unit_already_done": {
        "zh": "{unit} 已完成任务 {task_id} 的本单位部分。",
        "en": "{unit} has already done its share of task {task_id}.",
    },
    "error.title_required": {"zh": "请写上任务标题。", "en": "Please give the task a title."},
    "error.title_too_long": {
        "zh": "任务标题太长（最多 {limit} 字）。",
        "en": "The title is too long (at most {limit} characters).",
    },
    "error.party_required": {"zh": "请写上责任单位名称。", "en": "Please name the responsible party."},
    "error.not_bound": {
        "zh": "本群没有绑定责任单位{party}。",
        "en": "This chat is not bound to {party}.",
    },
    "error.anonymous": {
        "zh": "请以个人身份发送（关闭匿名管理员），以便记录是谁汇报的。",
        "en": "Please send this as yourself (not as an anonymous admin), so the report has a name.",
    },
    "error.invalid_input": {"zh": "抱歉，无法识别您的输入。", "en": "Sorry, I cannot use that input."},
    "error.invalid_transition": {
        "zh": "抱歉，任务当前的状态不允许这样做。",
        "en": "Sorry, the task's state does not allow that.",
    },
    "error.task_error": {"zh": "抱歉，无法完成这个操作。", "en": "Sorry, that cannot be done."},
    "error.internal": {
        "zh": "抱歉，处理时出了点问题，已记录下来。请稍后再试。",
        "en": "Sorry, something went wrong on my side; it has been logged. Please try again later.",
    },
}
