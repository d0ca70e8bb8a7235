"""Why a request to a server failed (ipcli.net), for the messages of the commands that make one."""

EN = {
    "net.timeout": "no complete answer within {seconds} s",
    "net.unreachable": "{reason}",
    "net.http_status": "the server answered HTTP {status} {reason}",
    "net.redirected": "the server answered HTTP {status}, a redirect to {target}, which ipcli does not follow",
    "net.too_large": "the answer is larger than {limit} MB",
}

ZH = {
    "net.timeout": "{seconds} 秒内未收到完整应答",
    "net.unreachable": "{reason}",
    "net.http_status": "服务器返回 HTTP {status} {reason}",
    "net.redirected": "服务器返回 HTTP {status}，重定向到 {target}，ipcli 不跟随重定向",
    "net.too_large": "应答超过 {limit} MB",
}
