"""Messages of the sample portfolio."""

EN = {
    "help.sample": "The bundled sample portfolio.",
    "help.sample_load": "Load the sample portfolio (marks, patents, filings in every state) into an empty register.",
    "sample.register_not_empty": "the register {value} already holds rights: load the sample into a new --db file",
    "field.marks": "marks",
    "field.patents": "patents",
    "field.pledges": "pledges",
    "field.licenses": "licences",
    "field.filings": "filings",
    "field.received": "received",
    "field.ready": "ready",
    "field.exported": "exported",
    "field.submitted": "submitted",
    "field.accepted": "accepted",
    "field.rejected": "rejected",
    "field.withdrawn": "withdrawn",
}

ZH = {
    "help.sample": "内置示例数据。",
    "help.sample_load": "将示例数据（商标、专利及各状态的收件）载入空登记簿。",
    "sample.register_not_empty": "登记簿 {value} 中已有权利：请用新的 --db 文件载入示例数据",
    "field.marks": "商标",
    "field.patents": "专利",
    "field.pledges": "质押",
    "field.licenses": "许可",
    "field.filings": "收件",
    "field.received": "已收件",
    "field.ready": "待报送",
    "field.exported": "已导出",
    "field.submitted": "已报送",
    "field.accepted": "已核准",
    "field.rejected": "已驳回",
    "field.withdrawn": "已撤回",
}
