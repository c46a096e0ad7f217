"""Messages of the release check (issue 5 item 7: re-identification risk before release); merged into
shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "release.target_unknown": ("未知的发布目标：{target}（可用：{known}）", "unknown release target: {target} (known: {known})"),
    "release.unknown_column": ("数据中没有字段“{column}”（现有字段：{known}）",
                               "the data has no column \"{column}\" (columns: {known})"),
    "release.no_qi": (
        "未能从字段类型或列名推断出准标识符：请用 --qi 指定准标识符，或用 --no-qi 声明数据不含准标识符",
        "no quasi-identifier could be inferred from the column types or names: name them with --qi, or declare"
        " with --no-qi that there are none",
    ),
    "release.column_roles": (
        "字段“{column}”被指定了多个角色（准标识符、敏感属性、频数列只能任选其一）",
        "column \"{column}\" was given more than one role (quasi-identifier, sensitive attribute, count column)",
    ),
    "release.qi_conflict": ("--qi 与 --no-qi 不能同时使用", "--qi and --no-qi cannot be used together"),
    "release.option_empty": ("{option} 没有给出字段名", "{option} names no column"),
    "release.count_invalid": ("频数列“{column}”无效：{reason}", "count column \"{column}\" is invalid: {reason}"),
    "release.count_not_int": ("{count} 个值不是整数", "{count} values are not integers"),
    "release.count_negative": ("含负数", "it holds negative numbers"),
    "release.empty": ("{table} 没有数据行，无法评估重标识风险", "{table} has no data rows; there is no risk to measure"),
    "release.table_required": (
        "数据源有多张表（{tables}），请用 --table 指定要检查的表",
        "the source has several tables ({tables}); choose one with --table",
    ),
    "release.policy_invalid": ("发布检查策略 {name} 无效：{reason}", "release policy {name} is invalid: {reason}"),
    "release.policy_levels": (
        "发布检查策略的目标 {target} 没有规定分级方案 {scheme} 的级别 {levels} 如何处理",
        "release policy target {target} does not say what to do with level(s) {levels} of scheme {scheme}",
    ),
    "release.level_invalid": (
        "--level 超出分级方案 {scheme} 的级别范围（1–{max}）：{level}",
        "--level is outside the levels of scheme {scheme} (1–{max}): {level}",
    ),
    # verdict labels
    "release.pass": ("通过", "pass"),
    "release.warn": ("警告", "warn"),
    "release.refuse": ("拒绝", "refuse"),
    # reasons (the basis is the rule's citation from the policy)
    "release.grade_one": ("数据定级为{level}，一级数据可适当共享开放（{basis}）",
                          "the data is graded {level}; level-1 data may be shared and opened appropriately ({basis})"),
    "release.grade_two": (
        "数据定级为{level}，二级数据只对确需获取的授权部门共享开放，不向社会开放（{basis}）",
        "the data is graded {level}; level-2 data goes only to authorised departments that need it, never to the"
        " public ({basis})",
    ),
    "release.grade_three": (
        "数据定级为{level}，三级数据不对社会开放，只在严格控制的授权部门范围内共享（{basis}）",
        "the data is graded {level}; level-3 data is never opened to the public and is shared only within a tightly"
        " controlled set of authorised departments ({basis})",
    ),
    "release.grade_other": ("数据定级为{level}（{basis}）", "the data is graded {level} ({basis})"),
    "release.grade_declared": ("；按声明的级别定级（检测级别为 {detected} 级，取较高者）",
                               "; the declared level is used (detected level {detected}; the higher one counts)"),
    "release.direct_found": (
        "含直接标识符 {columns}，可单独识别个人，发布前须删除、假名化或加密（{basis}）",
        "holds direct identifiers {columns}, which identify a person alone; remove, pseudonymise or encrypt them"
        " before release ({basis})",
    ),
    "release.direct_none": ("未发现直接标识符", "no direct identifier found"),
    "release.no_qi_label": ("（未声明准标识符，全表视为一个等价类）", "(no quasi-identifier: the whole table is one class)"),
    "release.k_below": (
        "按准标识符 {qi} 分组，k={k}，低于要求的 k≥{target}：{classes} 个等价类共 {records} 条记录（{ratio}）的"
        "重标识风险高于 1/{target}（{basis}）",
        "grouped by the quasi-identifiers {qi}, k={k}, below the required k≥{target}: {classes} classes holding"
        " {records} records ({ratio}) carry a re-identification risk above 1/{target} ({basis})",
    ),
    "release.k_ok": ("按准标识符 {qi} 分组，k={k}，达到要求的 k≥{target}（{basis}）",
                     "grouped by the quasi-identifiers {qi}, k={k} meets the required k≥{target} ({basis})"),
    "release.l_below": (
        "敏感属性“{column}”的 l={l}，低于要求的 l≥{target}：{classes} 个等价类内敏感值种类不足，可推断出其中个人的"
        "敏感信息（{basis}）",
        "sensitive attribute \"{column}\" has l={l}, below the required l≥{target}: in {classes} classes the"
        " sensitive values are too few to hide a person's value ({basis})",
    ),
    "release.l_ok": ("敏感属性“{column}”的 l={l}，达到要求的 l≥{target}（{basis}）",
                     "sensitive attribute \"{column}\" has l={l}, meeting the required l≥{target} ({basis})"),
    "release.entropy_below": (
        "敏感属性“{column}”的熵 l={l}，低于 {target}：部分等价类内敏感值高度集中，可较大概率推断出敏感信息（{basis}）",
        "sensitive attribute \"{column}\" has entropy l={l}, below {target}: in some classes one sensitive value"
        " dominates and can be guessed with high probability ({basis})",
    ),
    "release.entropy_ok": ("敏感属性“{column}”的熵 l={l}，达到 {target}（{basis}）",
                           "sensitive attribute \"{column}\" has entropy l={l}, meeting {target} ({basis})"),
    "release.l_none": ("未发现敏感属性（可用 --sensitive 指定），未评估 l-多样性",
                       "no sensitive attribute found (name one with --sensitive); l-diversity not measured"),
    # generalisations of the suggestion
    "release.gen_month": ("日期精确到月", "dates to the month"),
    "release.gen_year": ("日期精确到年", "dates to the year"),
    "release.gen_band": ("按宽度 {width} 分段", "bands of width {width}"),
    "release.gen_prefix": ("只保留前 {n} 位", "keep the first {n} characters"),
    "release.gen_hide": ("隐藏整列", "hide the whole column"),
    # the report
    "release.title": ("发布前重标识风险检查（{target}）", "re-identification risk check before release ({target})"),
    "release.verdict": ("结论：{verdict}（{target}）", "verdict: {verdict} ({target})"),
    "release.col_check": ("检查项", "check"),
    "release.col_action": ("结论", "result"),
    "release.col_reason": ("理由", "reason"),
    "release.check_grade": ("数据级别", "grade"),
    "release.check_direct_identifiers": ("直接标识符", "direct identifiers"),
    "release.check_k": ("k-匿名", "k-anonymity"),
    "release.check_l": ("l-多样性", "l-diversity"),
    "release.check_entropy_l": ("熵 l-多样性", "entropy l-diversity"),
    "release.roles": ("准标识符{how}：{qi}；敏感属性：{sensitive}", "quasi-identifiers{how}: {qi}; sensitive attributes: {sensitive}"),
    "release.inferred": ("（自动推断）", " (inferred)"),
    "release.none": ("无", "none"),
    "release.classes": (
        "{records} 条记录，{classes} 个等价类，k={k}；小于 {target} 的等价类 {below} 个，共 {records_below} 条记录（{ratio}）",
        "{records} records in {classes} classes, k={k}; {below} classes below {target} hold {records_below}"
        " records ({ratio})",
    ),
    "release.distribution": ("等价类大小分布：{items}", "class sizes: {items}"),
    "release.distribution_item": ("{sizes}：{classes} 类/{records} 条", "{sizes}: {classes} classes/{records} records"),
    "release.risk": (
        "重标识风险：检察官模型最大 {pmax}、平均 {pavg}；记者模型最大不超过 {jmax}（无总体数据，取上界）；营销者模型 {marketer}",
        "re-identification risk: prosecutor max {pmax}, average {pavg}; journalist max at most {jmax} (no"
        " population data: upper bound); marketer {marketer}",
    ),
    "release.suggest_none": ("已达到 k≥{k}，无需抑制或泛化", "k≥{k} is already met; nothing to suppress or generalise"),
    "release.suggest_suppress": ("建议：删除（抑制）{rows} 行（{ratio}）即可达到 k≥{k}",
                                 "suggestion: suppress {rows} rows ({ratio}) to reach k≥{k}"),
    "release.suggest_generalise": (
        "建议：依次泛化 {steps}，再删除（抑制）{rows} 行（{ratio}），可达到 k≥{k}",
        "suggestion: generalise {steps} in this order, then suppress {rows} rows ({ratio}) to reach k≥{k}",
    ),
    "release.suggest_step": ("{column}：{to}（泛化后 k={k}）", "{column} → {to} (k={k})"),
    "release.suggest_unreachable": (
        "即使隐藏全部准标识符，记录数仍少于 {k}，无法达到 k≥{k}；请合并数据或降低发布粒度",
        "even with every quasi-identifier hidden there are fewer than {k} records; k≥{k} cannot be reached",
    ),
}
