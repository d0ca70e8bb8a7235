"""Citations and confidence grades of the rules (`--explain`, calendar files). The English citations are the
codes of RULES.md (TML 39, GL V-9 §2.1), kept in ipcli.rules.catalog; in Chinese they are written out the
way Chinese practice cites them (商标法第39条, 专利审查指南第五部分第九章第2.1节)."""

from ipcli.rules.catalog import RULES

EN = {
    **{f"citation.{rule.id}": rule.citation for rule in RULES.values()},
    "value.A (rule), C (boundary)": "A (rule), C (boundary)",
    "value.B (before 2015: C)": "B (before 2015: C)",
    "value.project decision": "project decision",
}

ZH = {
    "citation.R-PERIOD": "商标法实施条例第12条第1款，专利法实施细则第5条，民法典第201—203条",
    "citation.R-NO-SHIFT": "RULES.md §1",
    "citation.R-WORKDAY": "全国年节及纪念日放假办法及国务院放假通知；商标法实施条例第12条第1款；专利法实施细则第5条",
    "citation.R-PAT-WEEKEND": "专利审查指南第五部分第七章第2.3节（2010年版、2023年版）",
    "citation.R-PROVISIONAL": "RULES.md §2（项目决定）",
    "citation.R-PROVISIONAL-DECEMBER": "国务院放假通知（2007、2008、2012、2019年）；RULES.md §2（项目决定）",
    "citation.R-TM-TERM": "商标法第39条，商标法实施条例第12条第2款",
    "citation.R-TM-WINDOW": "商标法第40条",
    "citation.R-TM-GRACE": "商标法第40条，商标法实施条例第12条第1款",
    "citation.R-TM-RENEWED-TERM": "商标法第40条",
    "citation.R-TM-TRANSFER": "商标法第42条，商标法实施条例第31—32条",
    "citation.R-TM-LICENSE": "商标法实施条例第69条，商标法第43条",
    "citation.R-TM-PLEDGE": "商标法实施条例第70条；注册商标专用权质押登记程序规定（2020-05-01 施行）",
    "citation.R-CIVIL-PLEDGE": "民法典第444条",
    "citation.R-TM-SERVICE": "商标法实施条例第10条",
    "citation.R-PAT-TERM": "专利法第42条，专利法实施细则第12条，专利审查指南第五部分第九章第2.1节",
    "citation.R-PAT-ANNUITY-DUE": "专利法第43条，专利法实施细则第115条，专利审查指南第五部分第九章",
    "citation.R-PAT-LATE": "专利法实施细则第115条（2023年）即第98条（2010年），专利审查指南第五部分第九章第4.2.1.3节（2023年版）",
    "citation.R-PAT-RESTORE": "专利法实施细则第6条",
    "citation.R-PAT-SERVICE": "专利法实施细则第4条",
    "citation.R-PAT-LICENSE": "专利法实施细则第15条第2款",
    "citation.R-PAT-PLEDGE": "专利权质押登记办法（2021年）",
    "citation.R-TM-LIMITS": "商标法第33条、第34条，商标法实施条例第18条（RULES.md §3，按商标法实施条例第12条第1款计算）",
    "citation.R-PAT-LIMITS": "专利法第29条、第35条、第41条，专利法实施细则第60条、第114条、第120条（RULES.md §4）",
    "citation.FEE-TM": "财税〔2017〕20号及国家知识产权局 2017-03-30 公告；发改价格〔2019〕914号（RULES.md §3）",
    "citation.FEE-PAT-ANNUAL": "国家知识产权局专利年费标准（RULES.md §4）",
    "citation.FEE-REDUCTION": "财税〔2016〕78号、财税〔2018〕37号、财税〔2019〕45号",
    "citation.FEE-OPEN-LICENSE": "专利法第50—51条；财税〔2024〕23号",
    "citation.FEE-PAT-RECORDAL": "专利法实施细则第116条（2023年）即第99条（2010年），专利审查指南第五部分第二章第4.2.1.1节；"
                                 "专利法实施细则第15条、第110条（RULES.md §4）",
    "citation.ID-TM-REG-NO": "RULES.md §5",
    "citation.ID-NICE-CLASS": "RULES.md §5（尼斯分类）",
    "citation.ID-PAT-APP-NO": "RULES.md §5",
    "citation.ID-USCC": "GB 32100（RULES.md §5）",
    "citation.ID-RIC": "GB 11643（RULES.md §5）",
    "value.A (rule), C (boundary)": "A（规则），C（边界）",
    "value.B (before 2015: C)": "B（2015 年以前：C）",
    "value.project decision": "项目决定",
}
