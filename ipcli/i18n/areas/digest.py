"""Messages of `ipcli digest`: the digest itself, its delivery and its settings."""

EN = {
    "help.digest": "Send what falls due and what has slipped: by e-mail, to WeCom or DingTalk robots, or to stdout.",
    "opt.digest_days": "How many days ahead to look (default: the largest ladder step).",
    "opt.digest_to": "E-mail the digest to this address (repeatable); SMTP settings come from IPCLI_SMTP_*.",
    "opt.digest_webhook": "Post the digest to this WeCom (key=) or DingTalk (access_token=) group robot URL "
                          "(repeatable); prefix wecom+ or dingtalk+ for other URLs.",
    "opt.digest_ladder": "Days before the due date at which a deadline is reported (again).",
    "opt.digest_dry_run": "Print the digest that would be sent; send and record nothing.",
    "opt.digest_record": "Record the digest printed to stdout as sent, so that the next run prints only what is new "
                         "(what --to and --webhook deliver is always recorded).",
    "digest.record_dry_run": "--record and --dry-run exclude each other: a dry run records nothing",
    "digest.subject": "ipcli deadlines {today}: {due} due, {overdue} overdue",
    "digest.intro": "New reminders: due within {days} days: {due}; overdue: {overdue}.",
    "digest.footer": "Sent by ipcli digest, reminders at {ladder} days before the due date and once when "
                     "overdue. `ipcli deadlines --overdue` lists them all.",
    "digest.provisional_note": "* provisional: no holiday table for that year yet, the date may still move later "
                               "(R-PROVISIONAL).",
    "digest.lost_long_ago": "Of the overdue, {count} were lost more than {days} days ago and are not listed: "
                            "`ipcli deadlines --overdue` shows them.",
    "digest.no_owner": "(no owner)",
    "digest.days_left": "{days} days",
    "digest.days_overdue": "{days} days overdue",
    "digest.late_fee": "late fee CNY {fee}",
    "digest.more": "… and {count} more: see `ipcli deadlines --overdue`",
    "digest.bad_address": "{value!r} is not an e-mail address (name@example.cn)",
    "digest.bad_webhook": "{value!r} is not a WeCom (key=) or DingTalk (access_token=) robot URL over http(s); "
                          "prefix wecom+ or dingtalk+ for other URLs",
    "digest.bad_ladder": "{value!r} is not a list of days such as 90,30,7 (whole numbers from 0 to {limit})",
    "digest.settings_missing": "e-mail delivery needs settings that are not set: {names}",
    "digest.setting_invalid": "{name} has an invalid value {value!r}",
    "digest.password_in_clear": "IPCLI_SMTP_TLS=none would send IPCLI_SMTP_PASSWORD unencrypted: use starttls or ssl",
    "digest.auth_plain_needed": "the server does not offer AUTH PLAIN, needed for a non-ASCII user or password",
    "digest.nothing_new": "nothing new to report",
    "digest.sent": "sent {count} items to {destination}",
    "digest.failed": "delivery to {destination} failed: {reason}",
    "digest.smtp_failed": "{reason}",
    "digest.not_json": "the robot's answer is not JSON",
    "digest.errcode": "the robot answered errcode {code}: {message}",
}

ZH = {
    "help.digest": "发送即将到期和已逾期的事项：通过电子邮件、企业微信或钉钉群机器人，或输出到标准输出。",
    "opt.digest_days": "向后查看的天数（默认：提醒阶梯中最大的一级）。",
    "opt.digest_to": "将摘要发送到该邮箱（可重复）；SMTP 设置取自 IPCLI_SMTP_* 环境变量。",
    "opt.digest_webhook": "将摘要发送到该企业微信（key=）或钉钉（access_token=）群机器人地址（可重复）；"
                          "其他形式的地址加前缀 wecom+ 或 dingtalk+。",
    "opt.digest_ladder": "在到期前多少天提醒（再次提醒）。",
    "opt.digest_dry_run": "打印将要发送的摘要；不发送，也不记录。",
    "opt.digest_record": "将输出到标准输出的摘要记为已发送，下次只输出新的提醒（--to 和 --webhook 的发送总会记录）。",
    "digest.record_dry_run": "--record 与 --dry-run 不能同用：试运行不作任何记录",
    "digest.subject": "ipcli 期限提醒 {today}：{due} 项即将到期，{overdue} 项已逾期",
    "digest.intro": "新的提醒：{days} 天内到期 {due} 项；已逾期 {overdue} 项。",
    "digest.footer": "由 ipcli digest 发送，在到期前 {ladder} 天提醒，逾期时提醒一次。"
                     "`ipcli deadlines --overdue` 列出全部期限。",
    "digest.provisional_note": "* 暂定：该年度尚无节假日安排，日期仍可能顺延（R-PROVISIONAL）。",
    "digest.lost_long_ago": "已逾期事项中有 {count} 项在 {days} 天前已经失效，此处不再列出："
                            "`ipcli deadlines --overdue` 可查看。",
    "digest.no_owner": "（无权利人）",
    "digest.days_left": "剩 {days} 天",
    "digest.days_overdue": "逾期 {days} 天",
    "digest.late_fee": "滞纳金 {fee} 元",
    "digest.more": "……另有 {count} 项：见 `ipcli deadlines --overdue`",
    "digest.bad_address": "{value!r} 不是电子邮件地址（如 name@example.cn）",
    "digest.bad_webhook": "{value!r} 不是 http(s) 的企业微信（key=）或钉钉（access_token=）机器人地址；"
                          "其他形式的地址加前缀 wecom+ 或 dingtalk+",
    "digest.bad_ladder": "{value!r} 不是天数列表，如 90,30,7（0 到 {limit} 的整数）",
    "digest.settings_missing": "发送电子邮件所需的设置未设置：{names}",
    "digest.setting_invalid": "{name} 的值 {value!r} 无效",
    "digest.password_in_clear": "IPCLI_SMTP_TLS=none 会以明文发送 IPCLI_SMTP_PASSWORD：请使用 starttls 或 ssl",
    "digest.auth_plain_needed": "服务器不支持 AUTH PLAIN，而含非 ASCII 字符的用户名或密码需要它",
    "digest.nothing_new": "没有新的提醒事项",
    "digest.sent": "已将 {count} 项发送到 {destination}",
    "digest.failed": "发送到 {destination} 失败：{reason}",
    "digest.smtp_failed": "{reason}",
    "digest.not_json": "机器人的应答不是 JSON",
    "digest.errcode": "机器人应答 errcode {code}：{message}",
}
