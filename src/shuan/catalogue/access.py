"""Messages of the access part of the platform (key -> (Chinese, English)); merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # malformed fields
    "access.bad_field": ("字段 {field} 无效：{reason}", "invalid field {field}: {reason}"),
    "access.reason_empty": ("不能为空", "must not be empty"),
    "access.reason_too_long": ("过长", "too long"),
    "access.reason_whitespace": ("首尾不能有空白字符", "must not begin or end with whitespace"),
    "access.reason_control": (
        "含有控制字符或不可见的格式字符",
        "contains control or invisible format characters",
    ),
    "access.reason_column_without_table": ("指定列时必须指定表", "a column needs its table"),
    "access.reason_path_syntax": (
        "资源路径应为 src:数据源[/tbl:表[/col:列]]，名称中的 / 和 % 写作 %2F 和 %25",
        "a resource path is src:source[/tbl:table[/col:column]], with / and % in names written %2F and %25",
    ),
    "access.reason_actions": (
        "操作应为 read、export、share、manage 中的一项或多项",
        "actions are one or more of read, export, share, manage",
    ),
    "access.reason_scenario": ("使用场景应为以下之一：{allowed}", "the usage scenario must be one of: {allowed}"),
    "access.reason_level": ("级别应为 1、2 或 3", "the level must be 1, 2 or 3"),
    "access.reason_id": ("应为正整数", "must be a positive integer"),
    "access.reason_department_path": (
        "部门路径应为从根部门到该部门的正整数编号列表，且不重复",
        "a department path lists positive department ids from the root down, without repeats",
    ),
    "access.reason_masking": (
        "脱敏方案名称只能包含文字、数字、下划线和连字符，最长 64 个字符",
        "a masking profile name holds letters, digits, underscores and hyphens, at most 64 characters",
    ),
    "access.reason_datetime": ("应为日期时间", "must be a date and time"),
    "access.reason_validity_order": (
        "有效期结束时间须晚于开始时间和当前时间",
        "the validity must end after it starts and after now",
    ),
    "access.reason_validity_max": ("有效期不能超过 {days} 天", "the validity cannot exceed {days} days"),
    "access.reason_row_shape": (
        "行过滤条件应为 {{column, op, value}} 形式的列表",
        "a row filter is a list of {{column, op, value}} conditions",
    ),
    "access.reason_row_count": ("行过滤条件最多 {limit} 条", "a row filter holds at most {limit} conditions"),
    "access.reason_row_op": (
        "行过滤运算符应为 =、!=、<、<=、>、>=、in 之一",
        "a row filter operator is one of =, !=, <, <=, >, >=, in",
    ),
    "access.reason_row_value": (
        "行过滤取值应为字符串、整数、有限小数或布尔值（in 为 1 至 1000 个取值的列表）",
        "a row filter value is a string, integer, finite number or boolean (for in: a list of 1 to 1000)",
    ),
    "access.reason_subject": (
        "授权对象应为用户或部门（仅部门可包含下级部门）",
        "the subject is a user or a department (only a department may include sub-departments)",
    ),
    "access.reason_owner_required": (
        "上级资源未登记，须指定责任部门",
        "no registered parent resource: give the owning department",
    ),
    "access.reason_level_required": (
        "数据源或上级未定级的资源须指定级别",
        "a source, or a resource without a graded parent, needs a level",
    ),
    "access.reason_bool": ("应为布尔值", "must be true or false"),
    # refusals
    "access.no_grant_permission": ("无权管理授权", "not allowed to manage grants"),
    "access.no_resource_permission": ("无权登记受保护资源", "not allowed to register protected resources"),
    "access.not_owner_department": (
        "只能管理本部门的资源：{resource} 的责任部门为 {owner}",
        "only the own department's resources can be managed: {resource} belongs to department {owner}",
    ),
    "access.resource_unknown": ("资源未登记：{resource}", "resource not registered: {resource}"),
    "access.resource_exists": (
        "资源已登记：{resource}（修改级别请用“设置级别”）",
        "resource already registered: {resource} (use set level to change its grade)",
    ),
    "access.owner_mismatch": (
        "资源 {resource} 的上下级已登记在部门 {owner} 名下，责任部门须一致",
        "resources above or below {resource} belong to department {owner}; the owner must be the same",
    ),
    "access.lower_level": (
        "降低 {resource} 的级别须由安全管理员操作",
        "lowering the grade of {resource} needs a security administrator",
    ),
    "access.public_level": (
        "只有一级数据可以公开：{resource} 的有效级别为 {level} 级",
        "only level-1 data can be public: {resource} is effectively level {level}",
    ),
    "access.authorise_permission": (
        "只有安全管理员或数据主管部门可以指定二级数据的授权部门",
        "only a security administrator or the data authority may authorise departments for level-2 data",
    ),
    "access.self_grant": (
        "不能给自己或本人所在部门授权（须由他人授权）",
        "cannot grant to oneself or one's own department (someone else must grant it)",
    ),
    "access.opening_level": (
        "“社会开放”场景只适用于一级数据：{resource} 的有效级别为 {level} 级",
        "the opening scenario applies to level-1 data only: {resource} is effectively level {level}",
    ),
    "access.level2_unauthorised": (
        "二级数据 {resource} 只能授权给责任部门或已授权部门，部门 {department} 不在授权名单内",
        "level-2 data {resource} can only be granted to its owner or authorised departments; {department} is not authorised",
    ),
    "access.level3_needs_authority": (
        "三级数据 {resource} 向责任部门以外授权须经数据主管部门审批（以待审批方式提交）",
        "granting level-3 data {resource} outside its owner needs the data authority's approval (submit it awaiting approval)",
    ),
    "access.not_authority": (
        "只有数据主管部门（根部门）具有审批权限的人员可以审批",
        "only a member of the data authority (root department) with approval permission can approve",
    ),
    "access.grant_unknown": ("授权不存在：{grant}", "no such grant: {grant}"),
    "access.grant_revoked": ("授权 {grant} 已撤销", "grant {grant} is revoked"),
    "access.grant_approved": ("授权 {grant} 已审批", "grant {grant} is already approved"),
    "access.approve_own": (
        "不能审批自己创建的授权 {grant}（须两人）",
        "cannot approve grant {grant} one created oneself (two people are needed)",
    ),
    "access.approve_self": (
        "不能审批授予自己的授权 {grant}",
        "cannot approve grant {grant} whose subject is oneself",
    ),
    "access.register_source": (
        "部门只能在本部门已登记的数据源下登记表和列：{resource} 须由安全管理员或平台登记",
        "a department registers tables and columns only under a source registered to it: "
        "{resource} must be registered by a security administrator or the platform",
    ),
    "access.grant_changed": (
        "授权 {grant} 在签署审批期间已被修改，审批未生效，请重新审批",
        "grant {grant} changed while the approval was being signed; the approval was not recorded, approve it again",
    ),
    "access.approval_unverified": (
        "授权 {grant} 的审批签名无法用审批人当前的签名密钥验证，审批未生效",
        "the approval signature on grant {grant} does not verify with the approver's current signing key; not recorded",
    ),
    "access.approval_invalid": (
        "授权 {grant} 的审批签名验证失败（未审批、未签名或签名与授权内容不符）",
        "the approval of grant {grant} does not verify (not approved, not signed, or the signature does not match)",
    ),
    "access.approval_valid": (
        "授权 {grant} 的审批签名有效：审批人 {approver}，密钥指纹 {fingerprint}",
        "the approval of grant {grant} verifies: approved by {approver}, key fingerprint {fingerprint}",
    ),
    "access.signing_password_prompt": ("审批签名密码（本人登录密码）", "signing password (your own login password)"),
    "access.query_permission": (
        "无权查询他人的访问决策",
        "not allowed to query access decisions about others",
    ),
    # decisions: explanations
    "access.why_grant": ("允许：授权 #{grant} 允许{action} {resource}", "allowed: grant #{grant} allows {action} on {resource}"),
    "access.why_public": (
        "允许：{resource} 为公开的一级数据，所有登录用户可读取",
        "allowed: {resource} is public level-1 data, readable by every signed-in user",
    ),
    "access.why_deny_default": (
        "拒绝：没有授权允许{action} {resource}（默认拒绝）",
        "denied: no grant allows {action} on {resource} (deny by default)",
    ),
    "access.why_deny_action": (
        "拒绝：授权 #{grant} 不包含“{action}”操作",
        "denied: grant #{grant} does not include {action}",
    ),
    "access.why_deny_revoked": ("拒绝：授权 #{grant} 已撤销", "denied: grant #{grant} is revoked"),
    "access.why_deny_not_yet_valid": ("拒绝：授权 #{grant} 尚未生效", "denied: grant #{grant} is not yet valid"),
    "access.why_deny_expired": ("拒绝：授权 #{grant} 已过期", "denied: grant #{grant} has expired"),
    "access.why_deny_purpose": (
        "拒绝：授权 #{grant} 的使用场景与本次用途不符（未指明场景时按“业务办理”决策）",
        "denied: grant #{grant} is for another usage scenario (a decision without a scenario is for business use)",
    ),
    "access.why_deny_pending_authority": (
        "拒绝：授权 #{grant} 待数据主管部门审批",
        "denied: grant #{grant} awaits the data authority's approval",
    ),
    "access.why_deny_level_guardrail": (
        "拒绝：授权 #{grant} 不符合 {resource} 的分级保护要求",
        "denied: grant #{grant} breaks the grading guardrail of {resource}",
    ),
    "access.why_level3_authority": (
        "拒绝：{resource} 为{level}数据，授权 #{grant} 跨部门（责任部门 {owner}）但未经数据主管部门审批",
        "denied: {resource} is {level} data and grant #{grant} crosses departments (owner {owner}) without the data authority's approval",
    ),
    "access.why_level2_unauthorised": (
        "拒绝：{resource} 为{level}数据，所在部门不在责任部门 {owner} 的授权部门名单内（授权 #{grant}）",
        "denied: {resource} is {level} data and the department is not authorised by its owner {owner} (grant #{grant})",
    ),
    "access.why_opening_level": (
        "拒绝：授权 #{grant} 为“社会开放”场景，{resource} 为{level}数据，不得开放",
        "denied: grant #{grant} is for opening to the public, but {resource} is {level} data",
    ),
    "access.why_deny_unregistered": (
        "拒绝：{resource} 未登记为受保护资源（默认拒绝）",
        "denied: {resource} is not a registered resource (deny by default)",
    ),
    "access.why_deny_invalid_resource": ("拒绝：资源路径无效：{resource}", "denied: invalid resource path: {resource}"),
    "access.why_deny_invalid_request": (
        "拒绝：操作或使用场景无效（{action}）",
        "denied: invalid action or usage scenario ({action})",
    ),
    "access.why_deny_no_subject": ("拒绝：请求没有对应的用户", "denied: the request has no user"),
    "access.why_deny_stale": (
        "拒绝：无法读取最新授权，暂时全部拒绝",
        "denied: the latest grants cannot be read, everything is denied for now",
    ),
    "access.level_one": ("一级", "level-1"),
    "access.level_two": ("二级", "level-2"),
    "access.level_three": ("三级", "level-3"),
}
