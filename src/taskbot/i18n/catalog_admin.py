"""Wording of the admins' side: task commands, /import, /report, /export and the export workbook."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- setMyCommands descriptions of the admin commands (plain text) ---
    "admin.cmd.add": {
        "zh": "新增任务：/add 标题 | 责任单位 | 频次 | 时限",
        "en": "Add a task: /add title | party | cadence | due",
    },
    "admin.cmd.assign": {"zh": "指派责任人：/assign 编号 @用户", "en": "Assign: /assign N @user"},
    "admin.cmd.bind": {
        "zh": "本群接收某单位的任务：/bind 责任单位",
        "en": "This chat gets a party's tasks: /bind party",
    },
    "admin.cmd.unbind": {"zh": "解除绑定：/unbind [责任单位]", "en": "Unbind: /unbind [party]"},
    "admin.cmd.cadence": {"zh": "设置频次：/cadence 编号 每周", "en": "Set cadence: /cadence N weekly"},
    "admin.cmd.deadline": {
        "zh": "设置时限：/deadline 编号 2026-12-31",
        "en": "Set deadline: /deadline N 2026-12-31",
    },
    "admin.cmd.close": {"zh": "关闭任务：/close 编号", "en": "Close a task: /close N"},
    "admin.cmd.reopen": {"zh": "重新打开：/reopen 编号", "en": "Reopen a task: /reopen N"},
    "admin.cmd.import": {"zh": "导入通报（文件或文本）", "en": "Import a bulletin (file or text)"},
    "admin.cmd.report": {"zh": "进展报告和红黑榜", "en": "Progress digest and red/black list"},
    "admin.cmd.export": {"zh": "导出任务和历史（Excel）", "en": "Export tasks and history (.xlsx)"},
    "admin.cmd.cancel": {"zh": "取消正在进行的操作", "en": "Cancel what is in progress"},
    # --- usage and bad arguments of the admin commands ---
    "admin.usage.add": {
        "zh": "用法：/add 标题 | 责任单位 | 每周 | 2026-12-31（标题之后的各项可省略），"
        "或只发 /add 逐步填写。",
        "en": "Usage: /add title | party | weekly | 2026-12-31 (everything after the title is optional), "
        "or just /add to be asked step by step.",
    },
    "admin.usage.assign": {
        "zh": "用法：/assign 编号 @用户名，例如 /assign 3 @zhangsan（也可以回复对方的消息发送 /assign 3）；"
        "/assign 编号 单位 牵头|配合 设定承办单位的角色。",
        "en": "Usage: /assign N @username, e.g. /assign 3 @zhangsan "
        "(or send /assign 3 as a reply to their message); /assign N UNIT lead|partner sets a unit's role.",
    },
    "admin.usage.bind": {
        "zh": "用法：/bind 责任单位，例如 /bind 各镇街。本群将接收该单位的任务。",
        "en": "Usage: /bind party, e.g. /bind 各镇街. This chat will then receive that party's tasks.",
    },
    "admin.usage.cadence": {
        "zh": "用法：/cadence 编号 频次，频次可为 每周、每两周、每月、每季度、每年、每日 或 none（取消），"
        "例如 /cadence 3 每周。",
        "en": "Usage: /cadence N cadence, where cadence is daily, weekly, fortnightly, monthly, quarterly, "
        "yearly or none, e.g. /cadence 3 weekly.",
    },
    "admin.usage.deadline": {
        "zh": "用法：/deadline 编号 日期，日期如 2026-12-31 或 12月31日；none 表示取消时限。",
        "en": "Usage: /deadline N date, with a date like 2026-12-31; none clears the deadline.",
    },
    "admin.usage.close": {
        "zh": "用法：/close 编号 [说明]，例如 /close 3 已并入其他任务。",
        "en": "Usage: /close N [note], e.g. /close 3 merged into another task.",
    },
    "admin.usage.reopen": {
        "zh": "用法：/reopen 编号 [说明]，例如 /reopen 3。",
        "en": "Usage: /reopen N [note], e.g. /reopen 3.",
    },
    "admin.bad_cadence": {
        "zh": "无法识别频次“{given}”。"
        "可用：每日、每周、每两周（半月）、每月、每季度、每年，或 none（取消）。",
        "en": "Unknown cadence “{given}”. "
        "Use daily, weekly, fortnightly, monthly, quarterly, yearly or none.",
    },
    "admin.bad_deadline": {
        "zh": "无法识别日期“{given}”。"
        "请写成 2026-12-31、12月31日 或 年底前 这样的日期（none 表示不设时限）。",
        "en": "“{given}” is not a date I can use. Write it as 2026-12-31 (none for no deadline).",
    },
    "admin.deadline_out_of_range": {
        "zh": "截止日期须在 {first} 至 {last} 之间。",
        "en": "A deadline must lie between {first} and {last}.",
    },
    "admin.add_no_title": {
        "zh": "请写上任务标题，例如 /add 推进社区创熟 | 各镇街 | 每周 | 2026-12-31。",
        "en": "Please give the task a title, e.g. /add Community project | 各镇街 | weekly | 2026-12-31.",
    },
    "admin.title_too_long": {
        "zh": "任务标题太长（最多 {limit} 字）。",
        "en": "The title is too long (at most {limit} characters).",
    },
    "admin.party_too_long": {
        "zh": "责任单位名称太长（最多 {limit} 字）。",
        "en": "The party's name is too long (at most {limit} characters).",
    },
    "admin.add_too_many_fields": {
        "zh": "字段太多了。格式：/add 标题 | 责任单位 | 频次 | 完成时限（用 | 分隔，最多四项）。",
        "en": "Too many fields. The form is /add title | party | cadence | deadline "
        "(at most four, split by |).",
    },
    "admin.add_bad_field": {
        "zh": "“{given}”既不是频次（如 每周、每月）也不是日期（如 2026-12-31）。"
        "格式：/add 标题 | 责任单位 | 频次 | 完成时限。",
        "en": "“{given}” is neither a cadence (weekly, monthly …) nor a date (2026-12-31). "
        "The form is /add title | party | cadence | deadline.",
    },
    "admin.assign_ambiguous_user": {
        "zh": "有不止一人用过 {user} 这个用户名，我无法确定是谁。请回复此人的消息发送 /assign 编号。",
        "en": "More than one person has used the name {user}, so I cannot tell who. "
        "Send /assign N as a reply to one of their messages.",
    },
    "admin.assign_unknown_user": {
        "zh": "我还不认识 {user}。请对方先在群里或私聊给我发一条消息，或者回复对方的消息发送 /assign 编号。",
        "en": "I do not know {user} yet. Ask them to send me a message first (in a group or privately), "
        "or send /assign N as a reply to one of their messages.",
    },
    "admin.nothing_to_cancel": {"zh": "当前没有需要取消的操作。", "en": "There is nothing to cancel."},
    "admin.button_cancel": {"zh": "取消", "en": "Cancel"},
    # --- results of the admin commands ---
    "admin.added": {"zh": "✅ 已创建任务 {task}", "en": "✅ Created task {task}"},
    "admin.receivers": {"zh": "接收提醒的群：{chats}", "en": "Reminded in: {chats}"},
    "admin.no_receivers_bind": {
        "zh": "⚠️ 还没有群接收这项任务：请在责任单位的群里发送 /bind {party}。",
        "en": "⚠️ No chat receives this task yet: send /bind {party} in the party's group.",
    },
    "admin.no_receivers": {
        "zh": "⚠️ 这项任务没有责任单位，也没有群接收。可以在群里用 /add 添加，或写明责任单位后用 /bind 绑定。",
        "en": "⚠️ This task has no responsible party and no chat receives it. Add it inside a group, "
        "or name a party and /bind it to a group.",
    },
    "admin.role_set": {
        "zh": "已将 {unit} 设为任务 {task} 的{role}单位。",
        "en": "{unit} is now a {role} unit of {task}.",
    },
    "admin.assigned": {"zh": "👤 已将任务 {task} 指派给 {who}。", "en": "👤 Assigned {task} to {who}."},
    "admin.bind.ok": {
        "zh": "🔗 本群已绑定责任单位“{party}”，将接收其任务（目前在办 {count} 项）。",
        "en": "🔗 This chat now receives the tasks of “{party}” ({count} open now).",
    },
    "admin.bind.new_party": {
        "zh": "🔗 已新建责任单位“{party}”，本群将接收其任务（目前在办 {count} 项）。",
        "en": "🔗 Created the party “{party}”; this chat will receive its tasks ({count} open now).",
    },
    "admin.bind.already": {
        "zh": "本群早已绑定责任单位“{party}”（在办 {count} 项），无需重复绑定。",
        "en": "This chat already receives the tasks of “{party}” ({count} open).",
    },
    "admin.unbind.ok": {
        "zh": "已解除本群与 {parties} 的绑定，本群不再接收其任务。",
        "en": "This chat no longer receives the tasks of {parties}.",
    },
    "admin.cadence.ok": {"zh": "🔁 任务 {task} 的频次已设为{cadence}。", "en": "🔁 {task} is now {cadence}."},
    "admin.cadence.cleared": {
        "zh": "🔁 已取消任务 {task} 的频次（仍随每周调度提醒）。",
        "en": "🔁 Cleared the cadence of {task} (it stays in the weekly dispatch).",
    },
    "admin.deadline.ok": {
        "zh": "📅 任务 {task} 的完成时限已设为 {date}。",
        "en": "📅 The deadline of {task} is now {date}.",
    },
    "admin.deadline.cleared": {
        "zh": "📅 已取消任务 {task} 的完成时限。",
        "en": "📅 Cleared the deadline of {task}.",
    },
    "admin.closed": {
        "zh": "🗂 已关闭任务 {task}，不再提醒。",
        "en": "🗂 Closed {task}; it is no longer reminded.",
    },
    "admin.reopened": {"zh": "🔓 已重新打开任务 {task}。", "en": "🔓 Opened {task} again."},
    # --- the guided /add ---
    "admin.add.ask_title": {
        "zh": "新增任务（随时发送 /cancel 取消）。\n第 1 步，共 4 步：请回复任务<b>标题</b>。",
        "en": "New task (send /cancel at any time to stop).\n"
        "Step 1 of 4: reply with the task's <b>title</b>.",
    },
    "admin.add.ph_title": {"zh": "任务标题", "en": "Task title"},
    "admin.add.ask_parties": {
        "zh": "第 2 步：请回复<b>责任单位</b>，多个单位用逗号分隔；没有请回复 -。",
        "en": "Step 2: reply with the <b>responsible parties</b>, separated by commas; reply - for none.",
    },
    "admin.add.ph_parties": {"zh": "各镇街，各相关部门", "en": "Party, another party"},
    "admin.add.ask_cadence": {
        "zh": "第 3 步：请选择提醒<b>频次</b>（也可以回复文字，如 每周）。",
        "en": "Step 3: choose how often to remind (or reply with a word such as weekly).",
    },
    "admin.add.no_cadence": {"zh": "不设频次", "en": "No cadence"},
    "admin.add.cadence_chosen": {"zh": "频次：{cadence}", "en": "Cadence: {cadence}"},
    "admin.add.ask_deadline": {
        "zh": "第 4 步：请回复<b>完成时限</b>，如 2026-12-31 或 12月31日；没有请回复 -。",
        "en": "Step 4: reply with the <b>deadline</b>, e.g. 2026-12-31; reply - for none.",
    },
    "admin.add.ph_deadline": {"zh": "2026-12-31", "en": "2026-12-31"},
    "admin.add.confirm": {"zh": "请确认新增以下任务：", "en": "Create this task?"},
    "admin.add.button_create": {"zh": "✅ 确认创建", "en": "✅ Create"},
    "admin.add.confirm_hint": {
        "zh": "请点击“确认创建”，或发送 /cancel 取消。",
        "en": "Press “Create”, or send /cancel to stop.",
    },
    "admin.add.cancelled": {"zh": "已取消新增任务，未做任何改动。", "en": "Cancelled; nothing was created."},
    "admin.add.timed_out": {
        "zh": "新增任务已超时取消（长时间未回复）。需要时请重新发送 /add。",
        "en": "The new task was dropped after a long wait. Send /add to start again.",
    },
    # --- /import ---
    "import.ask": {
        "zh": "请回复通报文件（.txt、.md、.docx、.pdf），或直接粘贴通报全文。发送 /cancel 取消。",
        "en": "Reply with the bulletin file (.txt, .md, .docx, .pdf) or paste its text. "
        "Send /cancel to stop.",
    },
    "import.placeholder": {"zh": "通报文件或全文", "en": "Bulletin file or text"},
    "import.ask_again": {
        "zh": "请发送通报文件（.txt、.md、.docx、.pdf）或粘贴文本；发送 /cancel 取消。",
        "en": "Please send the bulletin as a file (.txt, .md, .docx, .pdf) or as text; /cancel to stop.",
    },
    "import.cancelled": {"zh": "已取消导入，未做任何改动。", "en": "Import cancelled; nothing was changed."},
    "import.timed_out": {
        "zh": "等待通报文件超时，已取消导入。需要时请重新发送 /import。",
        "en": "No bulletin came, so the import was dropped. Send /import to start again.",
    },
    "import.wrong_type": {
        "zh": "抱歉，无法导入 {name}：只支持 .txt、.md、.docx、.pdf 文件。",
        "en": "Sorry, I cannot import {name}: only .txt, .md, .docx and .pdf files are supported.",
    },
    "import.save_as_docx": {
        "zh": "抱歉，无法导入 {name}：这是旧版 Word（或 WPS）格式。"
        "请在 Word 或 WPS 中“另存为” .docx 后再发送。",
        "en": "Sorry, I cannot import {name}: it is in the old Word (or WPS) format. "
        "Save it as .docx in Word or WPS and send it again.",
    },
    "import.too_large": {
        "zh": "抱歉，文件 {name} 太大（{size}），上限为 {limit}。",
        "en": "Sorry, {name} is too large ({size}); the limit is {limit}.",
    },
    "import.download_failed": {
        "zh": "抱歉，未能下载文件 {name}，请稍后重新发送。",
        "en": "Sorry, I could not download {name}; please send it again later.",
    },
    "import.unreadable": {
        "zh": "抱歉，无法读取文件 {name}（{reason}）。",
        "en": "Sorry, I cannot read {name} ({reason}).",
    },
    "import.empty": {
        "zh": "没有从中识别出任何任务。请确认发送的是通报全文。",
        "en": "I found no tasks in it. Please check it is the bulletin's full text.",
    },
    "import.nothing_new": {
        "zh": "这份通报已经导入过：{count} 项任务都已存在，无需重复导入。",
        "en": "This bulletin was imported before: all {count} tasks exist already, nothing to add.",
    },
    "import.preview.header": {"zh": "📄 <b>导入预览</b>：{name}", "en": "📄 <b>Import preview</b>: {name}"},
    "import.preview.header_pasted": {
        "zh": "📄 <b>导入预览</b>：粘贴的文本",
        "en": "📄 <b>Import preview</b>: pasted text",
    },
    "import.preview.bulletin": {"zh": "通报：{title}（{date}）", "en": "Bulletin: {title} ({date})"},
    "import.preview.untitled": {"zh": "无标题", "en": "untitled"},
    "import.preview.counts": {
        "zh": "识别出 {total} 项任务：新任务 {new} 项，已存在 {existing} 项。",
        "en": "{total} tasks found: {new} new, {existing} already stored.",
    },
    "import.preview.question": {
        "zh": "确认导入这些新任务吗？（{minutes} 分钟内有效）",
        "en": "Import the new tasks? (valid for {minutes} minutes)",
    },
    "import.button.confirm": {"zh": "✅ 确认导入", "en": "✅ Import"},
    "import.button.confirm_kept": {"zh": "{label}（{kept} 项）", "en": "{label} ({kept})"},
    "import.review.hint": {
        "zh": "点下方编号可去掉该项或恢复（✓ 导入，✗ 不导入）。",
        "en": "Press a number below to drop that item or keep it again (✓ import, ✗ leave out).",
    },
    "import.review.low": {
        "zh": "{mark} 为把握较低的条目，请核对。",
        "en": "{mark} marks items the parser is less sure of: check them.",
    },
    "import.review.page": {"zh": "第 {page}/{pages} 页", "en": "Page {page}/{pages}"},
    "import.review.dropped": {
        "zh": "已去掉 {dropped} 项，将导入 {kept} 项。",
        "en": "{dropped} dropped, {kept} to import.",
    },
    "import.review.none_kept": {
        "zh": "所有条目都已去掉，没有可导入的任务。请恢复至少一项，或点“取消”。",
        "en": "Every item is dropped: nothing to import. Keep at least one, or press Cancel.",
    },
    "import.expired": {
        "zh": "这个预览已失效，请重新发送 /import。",
        "en": "This preview has expired; send /import again.",
    },
    "import.conflict": {
        "zh": "同一份通报正在另一处导入，请稍后再点一次。",
        "en": "The same bulletin is being imported elsewhere; press again in a moment.",
    },
    "import.done": {
        "zh": "✅ 导入完成：新建 {created} 项任务，{unchanged} 项已存在未改动。",
        "en": "✅ Imported: {created} tasks created, {unchanged} already there and left unchanged.",
    },
    "import.done_ids": {
        "zh": "新任务编号 #{first}–#{last}，发送 /tasks 或 /task 编号 查看。",
        "en": "The new tasks are #{first}–#{last}; see them with /tasks or /task N.",
    },
    "import.unbound": {
        "zh": "以下责任单位还没有群接收提醒：{parties}。"
        "请在各单位的群里发送 /bind 单位名，如 /bind {example}。",
        "en": "No chat receives these parties' reminders yet: {parties}. "
        "Send /bind party in each party's group, e.g. /bind {example}.",
    },
    "import.done_short": {"zh": "已导入 {created} 项", "en": "{created} imported"},
    # --- /report and /export ---
    "report.header": {"zh": "【进展报告】{time}", "en": "[Progress report] {time}"},
    "report.empty_chat": {
        "zh": "本群目前没有任务，无可报告。管理员可以用 /bind 责任单位 让本群接收任务。",
        "en": "This chat has no tasks to report on. An admin can make it receive tasks with /bind party.",
    },
    "report.empty_all": {
        "zh": "目前还没有任何任务，无可报告。",
        "en": "There are no tasks to report on yet.",
    },
    "export.caption": {
        "zh": "📊 督办台账：{tasks} 项任务，{units} 个承办单位的 {shares} 项承办事项，{history} 条历史记录。",
        "en": "📊 Ledger: {tasks} tasks, {shares} shares of {units} units, {history} history entries.",
    },
    "export.empty": {"zh": "没有可导出的任务。", "en": "There are no tasks to export."},
    # --- the export workbook ---
    "export.sheet.tasks": {"zh": "任务", "en": "Tasks"},
    "export.sheet.history": {"zh": "历史", "en": "Task history"},
    "export.sheet.units": {"zh": "台账", "en": "Ledger"},
    "export.col.unit": {"zh": "承办单位", "en": "Unit"},
    "export.col.role": {"zh": "角色", "en": "Role"},
    "export.col.last_report_text": {"zh": "最新进展", "en": "Latest progress"},
    "export.col.completed_at": {"zh": "办结时间", "en": "Completed"},
    "export.col.completion": {"zh": "办结情况", "en": "Completion"},
    "export.col.id": {"zh": "编号", "en": "ID"},
    "export.col.title": {"zh": "任务", "en": "Task"},
    "export.col.status": {"zh": "状态", "en": "Status"},
    "export.col.progress": {"zh": "进度%", "en": "Progress %"},
    "export.col.parties": {"zh": "责任单位", "en": "Responsible"},
    "export.col.assignees": {"zh": "责任人", "en": "Assignees"},
    "export.col.cadence": {"zh": "频次", "en": "Cadence"},
    "export.col.deadline": {"zh": "截止日期", "en": "Deadline"},
    "export.col.chat": {"zh": "群组", "en": "Chat"},
    "export.col.bulletin": {"zh": "来源通报", "en": "Bulletin"},
    "export.col.section": {"zh": "章节", "en": "Section"},
    "export.col.target": {"zh": "目标", "en": "Target"},
    "export.col.created_at": {"zh": "创建时间", "en": "Created"},
    "export.col.updated_at": {"zh": "更新时间", "en": "Updated"},
    "export.col.last_report_at": {"zh": "最新进展时间", "en": "Latest progress at"},
    "export.col.text": {"zh": "原文", "en": "Text"},
    "export.col.task_id": {"zh": "任务编号", "en": "Task ID"},
    "export.col.task_title": {"zh": "任务", "en": "Task"},
    "export.col.at": {"zh": "时间", "en": "When"},
    "export.col.actor": {"zh": "操作人", "en": "Who"},
    "export.col.kind": {"zh": "类型", "en": "Kind"},
}
