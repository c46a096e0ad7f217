"""The message catalogue: every user-facing sentence, Chinese first, English following.

Code looks messages up by key (`msg("source.missing", path=...)`); the language comes from
SHUAN_LANG (``zh`` default, ``en``). A test checks that every key has both languages and that
every key used in the code exists here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

CATALOGUE: dict[str, tuple[str, str]] = {
    # sources
    "source.missing": ("数据源不存在：{path}", "source does not exist: {path}"),
    "source.unreadable": ("无法读取数据源 {path}：{reason}", "cannot read source {path}: {reason}"),
    "source.unsupported": (
        "不支持的数据源类型：{path}（支持 csv、tsv、xlsx、parquet、json、jsonl、SQLite 文件、目录或数据库 URL）",
        "unsupported source: {path} (csv, tsv, xlsx, parquet, json, jsonl, SQLite file, directory or database URL)",
    ),
    "source.empty_dir": ("目录中没有可扫描的数据文件：{path}", "no scannable data files in directory: {path}"),
    "source.db_connect": ("无法连接数据库 {url}：{reason}", "cannot connect to database {url}: {reason}"),
    "source.db_url": ("数据库 URL 无效：{url}", "invalid database URL: {url}"),
    "source.db_url_at": (
        "数据库 URL 无效：{url}（用户名或密码中的 @ 等特殊字符须按百分号编码，如 %40）",
        "invalid database URL: {url} (percent-encode @ and other special characters in user or password, e.g. %40)",
    ),
    "source.empty_spec": ("未指定数据源", "no source given"),
    "table.read": ("读取表 {table} 失败：{reason}", "failed to read table {table}: {reason}"),
    "table.encoding": (
        "表 {table} 的字符编码无法识别（已尝试 {tried}）",
        "cannot determine the encoding of table {table} (tried {tried})",
    ),
    "table.empty": ("表 {table} 为空", "table {table} is empty"),
    "table.unsupported_format": (
        "{table} 是不支持的格式（{suffix}），请另存为 {target} 后再扫描",
        "{table} is in an unsupported format ({suffix}); save it as {target} and scan again",
    ),
    "source.db_auth": (
        "数据库 {url} 拒绝登录：用户名或密码错误，或该用户无权访问",
        "database {url} refused the login: wrong user name or password, or no access for this user",
    ),
    "source.db_unknown_database": (
        "数据库不存在：{database}（{url}）",
        "database does not exist: {database} ({url})",
    ),
    "source.db_unreachable": (
        "无法连接数据库服务器 {url}（服务器不可达、端口未开放或主机名无法解析）：{reason}",
        "cannot reach the database server {url} (server down, port closed or unknown host): {reason}",
    ),
    "source.db_driver": (
        "缺少数据库驱动 {driver}，无法打开 {url}",
        "database driver {driver} is not installed, cannot open {url}",
    ),
    "table.unknown": ("数据源中没有表 {table}", "no table {table} in this source"),
    "table.encoding_mixed": (
        "表 {table} 的字符编码有误或混用了多种编码：按 {encoding} 解码失败",
        "table {table} has a wrong or mixed character encoding: decoding as {encoding} failed",
    ),
    "table.binary": (
        "表 {table} 不是文本文件（含二进制内容）",
        "table {table} is not a text file (binary content)",
    ),
    "table.cell_too_large": (
        "表 {table} 中有单元格（或一行）超过 {size} MB，无法读取；请检查引号是否配对",
        "table {table} has a cell (or row) larger than {size} MB and cannot be read; check that quotes are balanced",
    ),
    "table.rows_skipped": (
        "表 {table} 有 {count} 行的字段数与表头不符，已跳过（第一处在第 {line} 行）",
        "table {table}: skipped {count} rows whose field count does not match the header (first at line {line})",
    ),
    "table.json_shape": (
        "表 {table} 不是 JSON 对象数组，也不是每行一个 JSON 对象：{reason}",
        "table {table} is neither a JSON array of objects nor one JSON object per line: {reason}",
    ),
    "table.json_skipped": (
        "表 {table} 有 {count} 行不是有效的 JSON 对象，已跳过（第一处在第 {line} 行）",
        "table {table}: skipped {count} lines that are not valid JSON objects (first at line {line})",
    ),
    "table.json_not_object": (
        '表 {table} 的第 {index} 条记录不是 JSON 对象（每条记录应为 {{"字段": 值, …}}）',
        'table {table}: record {index} is not a JSON object (each record must be {{"field": value, …}})',
    ),
    "table.denied": ("无权读取表 {table}：{reason}", "no permission to read table {table}: {reason}"),
    "table.values_nulled": (
        "表 {table} 字段 {column} 有 {count} 个值无法按 {type} 类型读取，已按空值处理",
        "table {table} column {column}: {count} values could not be read as {type} and were treated as null",
    ),
    "table.cells_outside_header": (
        "表 {table} 有 {count} 行在表头以外的列中有内容，这些内容已忽略",
        "table {table}: {count} rows have content in columns beyond the header; that content was ignored",
    ),
    # recognizers
    "recognizer.file": ("自定义识别器文件 {path} 无效：{reason}", "custom recognizer file {path} is invalid: {reason}"),
    "recognizer.field": ("识别器 {name} 字段 {field} 错误：{reason}", "recognizer {name} field {field}: {reason}"),
    "recognizer.duplicate": ("识别器类型重复：{name}", "duplicate recognizer type: {name}"),
    # grading
    "scheme.unknown": ("未知的分级方案：{name}（可用：{known}）", "unknown grading scheme: {name} (known: {known})"),
    "scheme.invalid": ("分级方案 {name} 无效：{reason}", "grading scheme {name} is invalid: {reason}"),
    "scale.unknown_rule": (
        "--scale 指定的规则不存在或没有行数阈值：{rule}（可用：{known}）",
        "--scale names a rule that does not exist or has no row threshold: {rule} (known: {known})",
    ),
    "scan.unknown_type": ("没有识别器检测数据类型 {type}（shuan recognizers 列出全部类型）",
                          "no recognizer detects the data type {type} (shuan recognizers lists them)"),
    "scan.no_types": ("--types 至少要给出一种数据类型", "--types needs at least one data type"),
    "scan.types_not_saved": ("只查找部分类型（--types）的扫描不能代替完整的分类分级，不写入清单库：请同时指定 --no-save",
                             "a scan for some types only (--types) cannot stand for the whole classification "
                             "and is not saved: add --no-save"),
    "scan.types_only": ("本次只查找了指定的数据类型（{types}），其他类型未检测，分级只反映这些类型",
                        "only the given data types were looked for ({types}); others were not, and the level "
                        "reflects these types only"),
    "scale.syntax": ("--scale 的格式应为 规则=行数：{value}", "--scale must be RULE=ROWS: {value}"),
    # store
    "store.open": ("无法打开清单库 {url}：{reason}", "cannot open the inventory store {url}: {reason}"),
    "store.write": ("写入清单库失败，本次扫描未保存：{reason}", "writing the inventory store failed, scan not saved: {reason}"),
    "store.no_scan": ("清单库中还没有扫描记录", "the inventory store has no scan yet"),
    "store.scan_not_found": ("找不到扫描记录：{scan}", "scan not found: {scan}"),
    # export
    "export.format": ("不支持的导出格式：{fmt}（支持 xlsx、csv、json）", "unsupported export format: {fmt} (xlsx, csv, json)"),
    "export.write": ("无法写入导出文件 {path}：{reason}", "cannot write export file {path}: {reason}"),
    # detect
    "detect.input": ("无法读取输入 {path}：{reason}", "cannot read input {path}: {reason}"),
    # configuration
    "config.invalid": ("配置无效：{field}：{reason}", "invalid configuration: {field}: {reason}"),
    "yaml.too_deep": ("嵌套层数过深", "nested too deeply"),
    "yaml.alias": ("{path} 使用了 YAML 锚点/别名（&/*），出于安全原因不支持", "{path} uses YAML anchors/aliases (&/*), which are refused for safety"),
    "file.not_regular": ("不是普通文件（目录、设备或管道）", "not a regular file (a directory, device or pipe)"),
    "file.too_large": ("文件过大（超过 {limit} 字节）", "file too large (over {limit} bytes)"),
    "file.not_utf8": ("{path} 不是 UTF-8 编码", "{path} is not UTF-8 encoded"),
    "store.revision": (
        "清单库 {url} 的结构版本 {revision} 未知（由更新版本的数安创建？）",
        "the inventory store {url} has an unknown schema revision {revision} (created by a newer shuan?)",
    ),
    "export.not_regular": ("导出目标不是普通文件：{path}", "the export target is not a regular file: {path}"),
    # cli
    "cli.sample_size": ("抽样行数必须为正整数：{value}", "sample size must be a positive integer: {value}"),
    "cli.error_prefix": ("错误", "error"),
    "scan.summary": (
        "扫描完成：{tables} 张表，{sensitive} 张含敏感数据，{errors} 个错误",
        "scan finished: {tables} tables, {sensitive} with sensitive data, {errors} errors",
    ),
    "scan.progress": ("扫描 {table}", "scanning {table}"),
    "scan.progress_rows": ("扫描 {table}（已读 {rows} 行）", "scanning {table} ({rows} rows read)"),
    "cli.usage": ("用法错误：{detail}（运行 shuan --help 查看帮助）", "usage error: {detail} (see shuan --help)"),
    "cli.missing_argument": ("缺少参数 {param}", "missing argument {param}"),
    "cli.no_such_option": ("没有选项 {option}", "no such option {option}"),
    "cli.no_such_command": ("没有命令 {command}", "no such command {command}"),
    "cli.bad_parameter": ("参数 {param} 的值无效：{detail}", "invalid value for {param}: {detail}"),
    "cli.aborted": ("已中止", "aborted"),
    "recognizers.valid": ("有效：{count} 个识别器（{types}）", "valid: {count} recognizers ({types})"),
    "scan.saved": ("扫描结果已保存到清单库（扫描编号 {scan}）", "scan saved to the inventory store (scan {scan})"),
    "export.done": ("分类分级清单已写入：{path}", "classification and grading inventory written to: {path}"),
    "demo.title": ("数安演示：{city}政务数据分类分级", "shuan demo: government data classification for {city}"),
    "demo.sources": ("演示数据：{path}", "demo data: {path}"),
    # evidence and notes (discovery)
    "note.binary": ("二进制列，未检查内容", "binary column, content not inspected"),
    "note.empty": ("无非空值", "no non-empty values"),
    "note.truncated": (
        "{count} 个单元格超过 {limit} 字符，仅检查了前 {limit} 字符",
        "{count} cells exceed {limit} characters; only their first {limit} were searched",
    ),
    "ev.value": ("{ratio} 的非空值符合{recognizer}（{count}/{total}，例 {example}）",
                 "{ratio} of non-empty values match {recognizer} ({count}/{total}, e.g. {example})"),
    "ev.coverage": ("；与同列其他类型合计覆盖 {covered}", "; together with the column's other types they cover {covered}"),
    "ev.coverage_org": ("；与同列其他类型及机构名称合计覆盖 {covered}",
                        "; with the column's other types and organisation names they cover {covered}"),
    "ev.header": ("；列名“{column}”提示{label}", "; the column name \"{column}\" suggests {label}"),
    "ev.text": ("自由文本：{ratio} 的记录含{label}（{count}/{total}，例 {example}）",
                "free text: {ratio} of rows hold {label} ({count}/{total}, e.g. {example})"),
    "ev.birth_cross": ("{ratio} 的日期与同行身份证号中的出生日期一致（{count}/{total}）",
                       "{ratio} of dates equal the birth date inside the same row's ID number ({count}/{total})"),
    "ev.birth_cross_name": ("出生日期（身份证号佐证）", "birth date (confirmed by ID numbers)"),
    "ev.estimated": ("约 {count}（部分为抽样估计）", "about {count} (partly estimated from samples)"),
    # grading reasons
    "grade.column": ("含{label}，{level}{cite}", "holds {label}: {level}{cite}"),
    "grade.table_column": ("字段“{column}”{reason}；表级不低于最高字段级别（全表含：{labels}）",
                           "column \"{column}\" {reason}; a table is at least its highest column (holds: {labels})"),
    "grade.custom": ("自定义识别器", "custom recognizer"),
    "grade.custom_pi": ("自定义识别器（个人信息）", "custom recognizer (personal information)"),
    # recognizer files
    "recognizer.macros": ("macros 必须是 名称: 正则 的映射", "macros must map names to regexes"),
    "recognizer.top": ("顶层必须是包含 recognizers 列表的映射", "the top level must be a mapping with a recognizers list"),
    "recognizer.list": ("recognizers 必须是列表", "recognizers must be a list"),
    "recognizer.label": ("自定义类型必须提供 label（中文名称）", "a custom type needs a label"),
    # table headings (inventory output)
    "col.table": ("表名", "table"),
    "col.rows": ("行数", "rows"),
    "col.level": ("级别", "level"),
    "col.types": ("敏感类型", "sensitive types"),
    "col.reasons": ("定级理由", "reasons"),
    "col.source": ("数据源", "source"),
    "col.column": ("字段", "column"),
    "col.category": ("数据分类", "category"),
    "col.table_level": ("表级别", "table level"),
    "col.table_reasons": ("表定级理由", "table reasons"),
    "col.score": ("置信度", "score"),
    "col.ratio": ("命中比例", "ratio"),
    "col.evidence": ("依据", "evidence"),
    "col.pi": ("个人信息", "personal information"),
    "col.sensitive_pi": ("敏感个人信息", "sensitive personal information"),
    "col.scheme": ("分级方案", "scheme"),
    "col.scanned_at": ("扫描时间", "scanned at"),
    "col.error": ("错误", "error"),
    "inventory.title": ("分类分级清单", "classification and grading inventory"),
    "inventory.tables_sheet": ("表级清单", "tables"),
    "inventory.columns_sheet": ("字段级清单", "columns"),
    "inventory.errors_sheet": ("扫描错误", "errors"),
}


def _merge_fragments() -> None:
    from shuan.catalogue import (
        access,
        api,
        audit,
        console,
        console_account,
        console_admin,
        console_protect,
        crypto,
        demo,
        gateway,
        identity,
        keys,
        masking,
        reports,
        review,
        sharing_catalog,
        sharing_requests,
        sources,
    )
    from shuan.catalogue import release as release_check
    from shuan.catalogue import tracing as leak_tracing

    for fragment in (crypto, keys, identity, access, audit, api, reports, sources, review, console,
                     console_account, console_admin, console_protect, demo, release_check, masking,
                     leak_tracing, sharing_catalog, sharing_requests, gateway):
        for key, texts in fragment.MESSAGES.items():
            if key in CATALOGUE:
                raise RuntimeError(f"message key defined twice: {key}")
            CATALOGUE[key] = texts


_merge_fragments()


_CONTROL = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord("\x00"): "\\0"}


def one_line(value: object) -> object:
    """A message is one line: control characters in names and reasons are shown escaped."""
    if isinstance(value, str):
        return value.translate(_CONTROL)
    return value


_PYDANTIC_ZH = {
    "extra_forbidden": "不允许的字段",
    "missing": "缺少必填字段",
    "string_pattern_mismatch": "格式不符合要求",
    "string_too_short": "不能为空",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为布尔值",
    "string_type": "应为字符串",
    "list_type": "应为列表",
    "dict_type": "应为映射",
    "literal_error": "取值不在允许范围内",
    "too_short": "元素过少",
}


def validation_reason(err: Mapping[str, Any]) -> str:
    """A pydantic error as one line, Chinese first: the known kinds translated, the rest as given."""
    text = str(err.get("msg", "")).removeprefix("Value error, ")
    kind = str(err.get("type", ""))
    if language() == "zh" and kind in _PYDANTIC_ZH:
        return f"{_PYDANTIC_ZH[kind]}（{text}）"
    return text


def language() -> str:
    lang = os.environ.get("SHUAN_LANG", "zh").lower()
    return "en" if lang.startswith("en") else "zh"


def msg(key: str, /, **params: object) -> str:
    """Render message `key` in the current language; unknown keys render as the key itself."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry[1] if language() == "en" else entry[0]
    try:
        return text.format(**{k: one_line(v) for k, v in params.items()})
    except (KeyError, IndexError):
        return text
