"""Messages of the sharing catalogue (政务信息资源目录, issue 5 item 3): rules, service, CLI, REST, console."""

MESSAGES: dict[str, tuple[str, str]] = {
    # grade compliance (shuan.sharing.catalog_rules)
    "catalog.reason_type": ("{field} 取值无效（可用：{allowed}）", "{field} is invalid (allowed: {allowed})"),
    "catalog.rule_share_level3": (
        "{field}：{level}数据不得{type}，须严格控制共享知悉范围（《济宁市公共数据管理办法》第三十三条）",
        "{field}: {level} data may not be '{type}'; its sharing must be strictly limited (Jining art. 33)",
    ),
    "catalog.rule_open_level3": (
        "{field}：{level}数据原则上不对社会开放，不得{type}（《济宁市公共数据管理办法》第三十三条）",
        "{field}: {level} data is in principle not opened to the public, so not '{type}' (Jining art. 33)",
    ),
    "catalog.rule_share_level2": (
        "{field}：{level}数据只对确需获取的授权部门共享，不得{type}（《济宁市公共数据管理办法》第三十三条）",
        "{field}: {level} data is shared only with authorised departments that need it, not '{type}' "
        "(Jining art. 33)",
    ),
    "catalog.rule_open_level2": (
        "{field}：{level}数据不对社会开放（社会开放仅限一级），不得{type}",
        "{field}: {level} data is not opened to the public (opening is for level 1 only), not '{type}'",
    ),
    "catalog.rule_share_basis": (
        "{field}：{type}须写明依据（法律法规或政策依据）",
        "{field}: '{type}' needs its basis (the law, regulation or policy behind it)",
    ),
    "catalog.rule_open_basis": (
        "{field}：{type}须写明依据（法律法规或政策依据）",
        "{field}: '{type}' needs its basis (the law, regulation or policy behind it)",
    ),
    "catalog.rule_share_condition": (
        "{field}：有条件共享须写明共享条件",
        "{field}: conditional sharing needs its condition",
    ),
    "catalog.rule_open_condition": (
        "{field}：有条件开放须写明开放条件",
        "{field}: conditional opening needs its condition",
    ),
    "catalog.basis_level2": (
        "二级数据只对确需获取的授权部门共享开放（《济宁市公共数据管理办法》第三十三条）",
        "level 2 data is shared only with authorised departments that need it (Jining art. 33)",
    ),
    "catalog.basis_level3": (
        "三级数据原则上不对社会开放，且严格控制共享知悉范围（《济宁市公共数据管理办法》第三十三条）",
        "level 3 data is in principle not opened, and its sharing is strictly limited (Jining art. 33)",
    ),
    # CLI
    "catalog.cli_file": (
        "无法读取目录条目文件 {path}：{reason}",
        "cannot read the entry file {path}: {reason}",
    ),
    "catalog.cli_not_object": ("应为一个 JSON 对象", "must be one JSON object"),
    "catalog.cli_draft_written": (
        "已写入目录条目草稿 {path}（{items} 个信息项），请核对后用 shuan catalog create --file 编目",
        "draft written to {path} ({items} data items); check it, then catalogue it with shuan catalog create --file",
    ),
    # console
    "catalog.console_nav": ("共享目录", "sharing catalogue"),
    "catalog.console_title": ("共享目录（政务信息资源目录）", "sharing catalogue"),
    "catalog.console_intro": (
        "各部门在此发现可共享的数据资源；共享、开放属性按资源当前级别检查。",
        "Departments discover shareable data here; share and open types are checked against the current grade.",
    ),
    "catalog.console_new": ("编目", "catalogue a resource"),
    "catalog.console_edit": ("修改目录条目", "edit the entry"),
    "catalog.console_search": ("查找", "search"),
    "catalog.console_empty": ("没有符合条件的目录条目。", "no catalogue entries match."),
    "catalog.console_compliant": ("符合", "complies"),
    "catalog.console_noncompliant": ("不符合分级要求", "does not comply"),
    "catalog.console_problems": (
        "资源级别变化后，本条目须修改或撤回",
        "after a regrade this entry must be changed or withdrawn",
    ),
    "catalog.console_share": ("共享属性", "sharing"),
    "catalog.console_open": ("开放属性", "opening"),
    "catalog.console_item_name": ("信息项名称", "item"),
    "catalog.console_item_type": ("数据类型", "type"),
    "catalog.console_item_column": ("对应字段", "column"),
    "catalog.console_request": ("申请共享", "request this data"),
    "catalog.console_manage": ("维护（提供方）", "manage (provider)"),
    "catalog.console_publish": ("发布", "publish"),
    "catalog.console_withdraw": ("撤回", "withdraw"),
    "catalog.console_withdraw_reason": ("撤回原因", "reason"),
    "catalog.console_back": ("返回共享目录", "back to the catalogue"),
    "catalog.console_save": ("保存", "save"),
    "catalog.console_saved": ("已保存目录条目 {code}", "entry {code} saved"),
    "catalog.console_published": ("已发布目录条目 {code}", "entry {code} published"),
    "catalog.console_withdrawn": ("已撤回目录条目 {code}", "entry {code} withdrawn"),
    "catalog.console_draft_from": ("按资产清单生成（资源路径）", "draft from the inventory (resource path)"),
    "catalog.console_draft": ("生成草稿", "draft"),
    "catalog.console_draft_hint": (
        "如 src:公安/tbl:户籍：信息项取自最近一次扫描，共享、开放类型按级别给出默认值。",
        "e.g. src:公安/tbl:户籍: items from the latest scan, share and open types defaulted by level.",
    ),
    "catalog.console_category_hint": (
        "用 / 分隔，至多四级：类/项/目/细目",
        "separated by /, up to four levels",
    ),
    "catalog.console_items_hint": (
        "每行一个信息项：名称 | 类型 | 字段（类型：{types}）",
        "one item per line: name | type | column (types: {types})",
    ),
    "catalog.console_grade_hint": (
        "二级、三级数据不得无条件共享，也不对社会开放；有条件或不予共享/开放须写明依据，有条件的须写明条件。",
        "Level 2 and 3 data is never shared unconditionally nor opened; conditional or refused sharing/opening "
        "needs its basis, conditional needs its condition.",
    ),
    # service
    "catalog.rule_unregistered": (
        "resource_path：资源 {resource} 已不在访问控制资源登记中",
        "resource_path: {resource} is no longer in the access register",
    ),
    "catalog.no_permission": (
        "无权编制共享目录：需要安全管理员或本部门数据管理员/数据安全负责人",
        "not allowed to edit the sharing catalogue: needs the security administrator or the department's steward/officer",
    ),
    "catalog.not_provider": (
        "只能编制本部门提供的资源目录（提供方部门 {department}）",
        "only the provider department's staff may edit its entries (provider department {department})",
    ),
    "catalog.provider_changes": (
        "resource_path：该资源属于部门 {department}，目录条目不能改到其他部门的资源",
        "resource_path: that resource belongs to department {department}; an entry cannot move to another department's resource",
    ),
    "catalog.noncompliant": ("不符合分级要求：{rule}", "not allowed by the grade: {rule}"),
    "catalog.incomplete": ("目录信息不完整：{rule}", "the entry is incomplete: {rule}"),
    "catalog.code_taken": ("资源代码 {code} 已被使用", "resource code {code} is already used"),
    "catalog.already_published": ("目录条目 {entry} 已发布", "catalogue entry {entry} is already published"),
    "catalog.not_published": (
        "目录条目 {entry} 未发布，无需撤回",
        "catalogue entry {entry} is not published",
    ),
    "catalog.reason_code": (
        "只能含字母、数字、- 和 .，1–64 个字符",
        "letters, digits, - and . only, 1-64 characters",
    ),
    "catalog.reason_length": ("不能超过 {limit} 个字符", "at most {limit} characters"),
    "catalog.reason_line": ("不能含控制字符或首尾空白", "no control characters or surrounding whitespace"),
    "catalog.reason_text": ("应为文本", "must be text"),
    "catalog.reason_choice": ("取值无效（可用：{allowed}）", "invalid value (allowed: {allowed})"),
    "catalog.reason_category": (
        "应为 1–4 级分类（类/项/目/细目）的列表",
        "must be a list of 1-4 levels (class/item/heading/sub-heading)",
    ),
    "catalog.reason_items": ("应为 1–{limit} 个信息项的列表", "must be a list of 1-{limit} data items"),
    "catalog.reason_item": (
        "信息项应为含 name、type、column 的映射",
        "a data item must be a mapping of name, type and column",
    ),
    "catalog.reason_column_unknown": (
        "表中没有字段 {column}（以最近一次扫描和资源登记为准）",
        "the table has no column {column} (per the latest scan and the register)",
    ),
    "catalog.reason_duplicate": ("重复：{value}", "duplicate: {value}"),
    "catalog.reason_related": (
        "应为至多 {limit} 个资源代码的列表",
        "must be a list of at most {limit} resource codes",
    ),
    "catalog.reason_resource_kind": (
        "目录条目描述数据源或数据表，不能是单个字段",
        "an entry describes a source or a table, not a single column",
    ),
    "catalog.reason_share_method": (
        "共享资源须写明共享方式（可用：{allowed}）",
        "a shared resource needs its share method (allowed: {allowed})",
    ),
    "catalog.reason_unknown_field": ("不允许的字段（可用：{allowed}）", "unknown field (known: {allowed})"),
    "catalog.reason_source": ("应为数据源路径（src:名称）", "must be a source path (src:NAME)"),
    "catalog.cli_drafts_written": (
        "已为 {count} 张尚未编目的表写入草稿到 {path}",
        "{count} drafts of tables not yet catalogued written to {path}",
    ),
    "catalog.reason_limit": ("超出范围（至多 {limit}）", "out of range (at most {limit})"),
    # drafts from the inventory
    "catalog.draft_category": ("未分类", "unclassified"),
    "catalog.draft_summary": (
        "{name}：{columns} 个信息项，数据级别{level}（由资产清单生成，请补充说明）",
        "{name}: {columns} data items, {level} (drafted from the inventory; please describe it)",
    ),
    "catalog.draft_condition": (
        "仅向确需获取的部门共享，经数据主管部门合规审核和提供方审核后按申请用途使用",
        "shared only with departments that need it, after the authority's and the provider's review, for the stated purpose",
    ),
    "catalog.draft_open_basis": (
        "未经开放评估，暂不开放",
        "not assessed for opening; not opened for now",
    ),
    # check and export
    "catalog.check_ok": (
        "共检查 {checked} 个已发布目录条目，全部符合分级要求",
        "{checked} published entries checked: all comply",
    ),
    "catalog.check_failing": (
        "共检查 {checked} 个已发布目录条目，{failing} 个不再符合分级要求",
        "{checked} published entries checked: {failing} no longer comply with their grade",
    ),
    "catalog.export_format": (
        "不支持的导出格式 {fmt}（可用：{allowed}）",
        "unsupported export format {fmt} (allowed: {allowed})",
    ),
    "catalog.exported": ("已导出共享目录到 {path}", "catalogue exported to {path}"),
    "catalog.sheet": ("共享目录", "catalogue"),
    "catalog.console_export": ("导出当前筛选的目录：", "export the entries shown:"),
    "catalog.yes": ("是", "yes"),
    "catalog.no": ("否", "no"),
    "catalog.col_code": ("资源代码", "code"),
    "catalog.col_name": ("资源名称", "name"),
    "catalog.col_category": ("资源分类", "category"),
    "catalog.col_provider": ("资源提供方", "provider"),
    "catalog.col_provider_code": ("提供方代码", "provider code"),
    "catalog.col_summary": ("资源摘要", "summary"),
    "catalog.col_format": ("资源格式", "format"),
    "catalog.col_items": ("信息项", "data items"),
    "catalog.col_resource_path": ("对应资源", "resource"),
    "catalog.col_level": ("数据级别", "level"),
    "catalog.col_share_type": ("共享类型", "share type"),
    "catalog.col_share_condition": ("共享条件", "share condition"),
    "catalog.col_share_method": ("共享方式", "share method"),
    "catalog.col_share_basis": ("共享依据", "share basis"),
    "catalog.col_open_type": ("开放类型", "open type"),
    "catalog.col_open_condition": ("开放条件", "open condition"),
    "catalog.col_open_basis": ("开放依据", "open basis"),
    "catalog.col_update_cycle": ("更新周期", "update cycle"),
    "catalog.col_published_on": ("发布日期", "published on"),
    "catalog.col_related_codes": ("关联资源代码", "related codes"),
    "catalog.col_status": ("状态", "status"),
    "catalog.col_compliant": ("符合分级要求", "complies"),
    "catalog.col_problems": ("问题", "problems"),
    "catalog.entry_unknown": ("共享目录中没有资源 {entry}", "no catalogue entry {entry}"),
    "catalog.resource_unknown": (
        "资源 {resource} 未在访问控制资源登记中登记，不能编目",
        "resource {resource} is not in the access register; cannot catalogue it",
    ),
}
