"""DuckDB query text → ClickHouse query text, so every file of queries/sql/ (and the _scoped.sql prefix
they all start with) runs unchanged on ClickHouse / chdb. One source of SQL: nobody writes a
ClickHouse twin of a query file.

sqlglot (pinned) does the dialect translation; the rewrites below cover what it leaves wrong for
ClickHouse 26.x (table in docs/engines.md, each pinned by tests/test_clickhouse_sql.py):
- `$name` parameters become typed `{name:Type}`, the type taken from the bound Python value. A
  parameter bound to None (an unset filter) becomes NULL; `has(NULL, x)` is a type error in
  ClickHouse, so `list_contains($p, x)` with $p NULL becomes NULL, as it is in DuckDB.
- Parameters that DuckDB uses as a keyword (a `date_trunc` unit, `CAST('1 ' || $grain AS INTERVAL)`,
  the column picked by `COLUMNS(lambda c: c = $set)`) are written into the text only after a check
  against a fixed list of units or an identifier pattern: they are never free text.
- quantile_cont/median → quantileExactInclusive (same linear interpolation as DuckDB's quantile_cont;
  a list of quantiles → quantilesExactInclusive);
  epoch(a - b) → dateDiff in microseconds; generate_series/range → arrays of intervals from the start;
  string_agg(DISTINCT x ORDER BY x) → arrayStringConcat(arraySort(groupUniqArray(x))); TIMESTAMP →
  DateTime64(6); regexp_replace(...,'g') → replaceRegexpAll.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import sqlglot
from sqlglot import exp

# Settings every translated query runs with: SQL NULL semantics where ClickHouse differs by default.
QUERY_SETTINGS = {
    "join_use_nulls": 1,                       # unmatched LEFT JOIN columns are NULL, not 0 / ''
    "aggregate_functions_null_for_empty": 1,   # sum() over no rows is NULL, as in DuckDB
    "session_timezone": "UTC",                 # timestamps are naive local time, stored as UTC
    "allow_experimental_correlated_subqueries": 1,
    "prefer_column_name_to_alias": 1,          # `x AS lat ... GROUP BY floor(lat)` means the column
    "group_by_use_nulls": 1,                   # GROUPING SETS total rows carry NULL keys, as in DuckDB
}

_UNITS = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


class TranslationError(ValueError):
    pass


def ch_type_of(value) -> str | None:
    """ClickHouse type of a bound Python value; None for NULL."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Bool"
    if isinstance(value, int):
        return "Int64"
    if isinstance(value, float):
        return "Float64"
    if isinstance(value, str):
        return "String"
    if isinstance(value, datetime):
        return "DateTime64(6)"
    if isinstance(value, date):
        return "Date32"
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return "Array(String)"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return "Array(Int64)"
    raise TranslationError(f"no ClickHouse parameter type for {type(value).__name__}")


def _escape(text: str, quote: str = "") -> str:
    text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text.replace("'", "\\'") if quote else text


def param_text(value) -> str:
    """A value in the text form ClickHouse parses query parameters from (HTTP `param_x`, chdb)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ",".join("'" + _escape(v, "'") + "'" if isinstance(v, str) else repr(v) for v in value) + "]"
    raise TranslationError(f"cannot bind {type(value).__name__}")


def _ch(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="clickhouse")


def _s(node: exp.Expression) -> str:
    return node.sql("clickhouse")


def _keyword(node: exp.Expression, values: dict, allowed: set[str] | None = None) -> str | None:
    """The constant text of `node` if it is a literal or a keyword-like parameter, else None."""
    if isinstance(node, exp.Literal) and node.is_string:
        text = node.this
    elif isinstance(node, exp.Placeholder):
        if node.name not in values:  # bound to something that is not an identifier-like word
            raise TranslationError(f"parameter ${node.name} cannot be used as a keyword")
        text = values[node.name]
    elif isinstance(node, exp.Var):
        text = node.name
    else:
        return None
    if not isinstance(text, str) or not _IDENT.fullmatch(text.lower()):
        raise TranslationError(f"keyword parameter not allowed: {text!r}")
    text = text.lower()
    if allowed is not None and text not in allowed:
        raise TranslationError(f"unit not allowed: {text!r}")
    return text


def _interval_parts(node: exp.Expression, values: dict) -> tuple[int, str]:
    """(amount, unit) of a constant interval: INTERVAL n UNIT, or CAST('1 ' || $grain AS INTERVAL)."""
    if isinstance(node, exp.Interval):
        amount = int(node.this.name)
        unit = node.unit.name.lower() if node.unit else None
        if unit is None:  # INTERVAL '1 day'
            amount_text, unit = str(node.this.name).split()
            amount = int(amount_text)
        return amount, unit.rstrip("s")
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.INTERVAL and isinstance(node.this, exp.DPipe):
        left, right = node.this.this, node.this.expression
        if isinstance(left, exp.Literal) and left.is_string:
            unit = _keyword(right, values, _UNITS)
            return int(left.this.strip()), unit
    if isinstance(node, exp.Paren):
        return _interval_parts(node.this, values)
    if isinstance(node, exp.Column):  # a CTE column holding an interval: resolved by the caller
        raise TranslationError("interval from a column")
    raise TranslationError(f"not a constant interval: {node.sql('duckdb')}")


def _add_interval(start: str, amount_expr: str, unit: str) -> str:
    fn = {"second": "addSeconds", "minute": "addMinutes", "hour": "addHours", "day": "addDays",
          "week": "addWeeks", "month": "addMonths", "quarter": "addQuarters", "year": "addYears"}[unit]
    return f"{fn}({start}, {amount_expr})"


def _series(node: exp.GenerateSeries, values: dict, step_override: tuple[int, str] | None = None) -> str:
    """generate_series/range over timestamps: an array of start + i*step while within the end."""
    start, end = _s(node.args["start"]), _s(node.args["end"])
    amount, unit = step_override or _interval_parts(node.args["step"], values)
    cmp = "<" if node.args.get("is_end_exclusive") else "<="
    # Upper bound of the count: the number of units between start and end, plus one.
    count = f"toUInt64(greatest(dateDiff('{unit}', {start}, {end}) + 2, 0))"
    return (f"arrayFilter(series_t -> series_t {cmp} {end}, "
            f"arrayMap(series_i -> {_add_interval(start, f'series_i * {amount}', unit)}, "
            f"range({count})))")


def _rewrite(node: exp.Expression, values: dict, intervals: dict, schema: dict) -> exp.Expression:
    if isinstance(node, exp.Columns) and isinstance(node.this, exp.Lambda):
        body = node.this.this
        if isinstance(body, exp.EQ) and isinstance(body.expression, exp.Placeholder):
            name = _keyword(body.expression, values)
            # DuckDB matches the column in every relation of the FROM; joined relations only repeat the
            # main one's value (join keys), so the main relation's column sorts and filters the same.
            select = node.find_ancestor(exp.Select)
            source = select.args.get("from_") if select is not None else None
            table = source.this.alias_or_name if source is not None else None
            return exp.column(name, table=table, quoted=True)
        raise TranslationError("COLUMNS(...) other than COLUMNS(lambda c: c = $param)")
    if isinstance(node, exp.TimestampTrunc) and isinstance(node.args.get("unit"), (exp.Placeholder, exp.Literal)):
        unit = _keyword(node.args["unit"], values, _UNITS)
        node.set("unit", exp.Var(this=unit.upper()))
        return node
    if isinstance(node, exp.PercentileCont) and isinstance(node.expression, exp.Array):
        # quantile_cont(x, [a, b]): every quantile from one sort, a list (Array) as in DuckDB
        # (built as a node: sqlglot's ClickHouse parser does not know this function's name)
        return exp.ParameterizedAgg(this="quantilesExactInclusive", expressions=list(node.expression.expressions),
                                    params=[node.this])
    if isinstance(node, (exp.PercentileCont, exp.Median)):
        q = "0.5" if isinstance(node, exp.Median) else _s(node.expression)
        return _ch(f"quantileExactInclusive({q})({_s(node.this)})")
    if isinstance(node, exp.TimeToUnix) and isinstance(node.this, exp.Sub):
        sub = node.this
        return _ch(f"(dateDiff('microsecond', {_s(sub.expression)}, {_s(sub.this)}) / 1000000)")
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_zip":
        return _ch(f"arrayZip({', '.join(_s(a) for a in node.expressions)})")
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_sum":
        # DuckDB skips NULLs and gives NULL for no values; arraySum refuses Nullable elements.
        kept = f"arrayFilter(sum_x -> sum_x IS NOT NULL, {_s(node.expressions[0])})"
        return _ch(f"if(empty({kept}), NULL, arraySum(arrayMap(sum_x -> assumeNotNull(sum_x), {kept})))")
    if isinstance(node, exp.Lambda):
        # p[i] on a lambda parameter bound to list_zip's tuples: tupleElement (p[i] is for arrays).
        zipped = isinstance(node.parent, exp.Expression) and "arrayZip" in _s(node.parent)
        if zipped:
            params = {i.name for i in node.expressions}
            for bracket in list(node.this.find_all(exp.Bracket)):
                if isinstance(bracket.this, (exp.Column, exp.Identifier)) and bracket.this.name in params \
                        and len(bracket.expressions) == 1 and isinstance(bracket.expressions[0], exp.Literal):
                    bracket.replace(_ch(f"tupleElement({bracket.this.name}, {int(bracket.expressions[0].name) + 1})"))  # sqlglot keeps indexes 0-based
        return node
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("to_hours", "to_days", "to_minutes"):
        unit = {"to_hours": "Hour", "to_days": "Day", "to_minutes": "Minute"}[node.name.lower()]
        return _ch(f"toInterval{unit}({_s(node.expressions[0])})")
    if isinstance(node, exp.ToDays):  # DuckDB's interval constructor, not MySQL's TO_DAYS
        return _ch(f"toIntervalDay({_s(node.this)})")
    if isinstance(node, (exp.LT, exp.LTE, exp.GT, exp.GTE)) and isinstance(node.this, exp.Sub) \
            and _is_interval(node.expression):
        # `a - b <= INTERVAL`: a timestamp difference is a number in ClickHouse; compare a with b + INTERVAL.
        sub = node.this
        return node.__class__(this=sub.this, expression=exp.Add(this=sub.expression, expression=node.expression))
    # DuckDB counts and cuts characters; ClickHouse's left/right/length count bytes.
    if isinstance(node, (exp.Left, exp.Right)):
        fn = "leftUTF8" if isinstance(node, exp.Left) else "rightUTF8"
        return _ch(f"{fn}({_s(node.this)}, {_s(node.expression)})")
    if isinstance(node, exp.Substring):
        args = [node.this, node.args.get("start"), node.args.get("length")]
        return _ch(f"substringUTF8({', '.join(_s(a) for a in args if a is not None)})")
    if isinstance(node, exp.Length):
        arg = node.this
        is_list = isinstance(arg, exp.Cast) and arg.to.is_type(exp.DataType.Type.ARRAY) or \
            isinstance(arg, exp.Placeholder) and arg.args.get("kind") is not None \
            and arg.args["kind"].is_type(exp.DataType.Type.ARRAY)
        return _ch(f"{'length' if is_list else 'lengthUTF8'}({_s(arg)})")
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Slice):
        # DuckDB list[a:b] is 1-based and inclusive.
        lo, hi = node.expressions[0].this, node.expressions[0].expression
        return _ch(f"arraySlice({_s(node.this)}, {_s(lo)}, ({_s(hi)}) - ({_s(lo)}) + 1)")
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        # list(x ORDER BY k1, k2): sort (k1, k2, x) tuples, keep x. Ascending keys only.
        order = node.this
        keys = order.expressions
        if any(k.args.get("desc") for k in keys):
            raise TranslationError("list(... ORDER BY ... DESC) is not translated")
        parts = ", ".join([_s(k.this) for k in keys] + [_s(order.this)])
        return _ch(f"arrayMap(list_t -> list_t.{len(keys) + 1}, arraySort(groupArray(tuple({parts}))))")
    if isinstance(node, exp.Lag) and isinstance(node.parent, exp.Window):
        # lag's default for the first row is the type's zero (1970-01-01) unless the value is Nullable.
        node.set("this", exp.Anonymous(this="toNullable", expressions=[node.this]))
        return node
    if isinstance(node, exp.RegexpReplace):
        mod = node.args.get("modifiers")
        fn = "replaceRegexpAll" if mod is not None and "g" in mod.name else "replaceRegexpOne"
        return _ch(f"{fn}({_s(node.this)}, {_s(node.expression)}, {_s(node.args['replacement'])})")
    if isinstance(node, exp.GroupConcat):
        inner = node.this
        if isinstance(inner, exp.Order) and isinstance(inner.this, exp.Distinct):
            sep = _s(node.args["separator"])
            value = _s(inner.this.expressions[0])
            return _ch(f"arrayStringConcat(arraySort(groupUniqArray({value})), {sep})")
        raise TranslationError("string_agg other than string_agg(DISTINCT x, sep ORDER BY x)")
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.INTERVAL:
        amount, unit = _interval_parts(node, values)
        return exp.Interval(this=exp.Literal.number(amount), unit=exp.Var(this=unit.upper()))
    if isinstance(node, exp.Select):
        return _select_fixes(node, values, intervals, schema)
    if isinstance(node, exp.Subquery) and _is_count_subquery(node):
        # A correlated count(*) subquery with no matching rows is NULL in ClickHouse, 0 in DuckDB.
        return exp.Coalesce(this=node, expressions=[exp.Literal.number(0)])
    if isinstance(node, exp.GenerateSeries):
        step = node.args["step"]
        override = None
        if isinstance(step, exp.Column) and step.name in intervals:
            override = intervals[step.name]
        rendered = _ch(_series(node, values, override))
        if isinstance(node.parent, exp.Table):  # in FROM: made an ARRAY JOIN by _select_fixes
            return exp.Anonymous(this="__series", expressions=[rendered])
        return rendered
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ,
                                                          exp.DataType.Type.DATETIME):
        return exp.DataType.build("Nullable(DateTime64(6))", dialect="clickhouse")
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.DATE:
        return exp.DataType.build("Nullable(Date32)", dialect="clickhouse")
    return node


def _is_interval(node: exp.Expression) -> bool:
    return isinstance(node, exp.Interval) or \
        isinstance(node, exp.Anonymous) and node.name.lower().startswith("tointerval")


def _is_count_subquery(node: exp.Subquery) -> bool:
    inner = node.this
    if not isinstance(inner, exp.Select) or len(inner.expressions) != 1 or inner.args.get("group"):
        return False
    if isinstance(node.parent, (exp.From, exp.Join)):
        return False
    projection = inner.expressions[0]
    projection = projection.this if isinstance(projection, exp.Alias) else projection
    return isinstance(projection, exp.Count)


def _cte_columns(tree: exp.Expression, tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Output column names of every CTE whose columns can be known from its projections and the
    schema (in definition order, so a CTE may select * from an earlier one)."""
    known = dict(tables)
    out = {}
    for cte in tree.find_all(exp.CTE):
        select = cte.this
        if isinstance(select, exp.Union) and select.args.get("by_name"):
            out[cte.alias] = known[cte.alias] = tuple(_union_by_name(select, known))
            continue
        if not isinstance(select, exp.Select):
            continue
        relations = {}
        sources = [select.args["from_"].this] if select.args.get("from_") else []
        sources += [j.this for j in select.args.get("joins") or []]
        for rel in sources:
            if isinstance(rel, exp.Table):
                relations[rel.alias_or_name] = known.get(rel.name)
        names: list[str] = []
        for e in select.expressions:
            if isinstance(e, exp.Star):
                cols = [c for rel in relations.values() for c in (rel or ())] if all(relations.values()) else None
            elif isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
                cols = relations.get(e.table)
            else:
                cols = [e.alias_or_name] if e.alias_or_name else None
            if cols is None:
                names = None
                break
            names += list(cols)
        if names:
            out[cte.alias] = known[cte.alias] = tuple(names)
    return out


def _select_columns(select: exp.Select, known: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Output names of `select`, or None if a star's relation is unknown."""
    relations = {}
    sources = [select.args["from_"].this] if select.args.get("from_") else []
    sources += [j.this for j in select.args.get("joins") or []]
    for rel in sources:
        if isinstance(rel, exp.Table):
            relations[rel.alias_or_name] = known.get(rel.name)
    names: list[str] = []
    for e in select.expressions:
        if isinstance(e, exp.Star):
            cols = [c for rel in relations.values() for c in (rel or ())] if all(relations.values()) else None
        elif isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
            cols = relations.get(e.table)
        else:
            cols = [e.alias_or_name] if e.alias_or_name else None
        if cols is None:
            return None
        names += list(cols)
    return names


def _union_by_name(union: exp.Union, known: dict[str, tuple[str, ...]]) -> list[str]:
    """UNION ALL BY NAME → a plain UNION ALL of both sides spelled out in one column order, NULL
    for a column one side lacks (DuckDB's rule). Returns the output names."""
    sides = [union.this, union.expression]
    if not all(isinstance(side, exp.Select) for side in sides):
        raise TranslationError("UNION BY NAME of anything but two SELECTs")
    columns = [_select_columns(side, known) for side in sides]
    if any(c is None for c in columns):
        raise TranslationError("UNION BY NAME over a relation of unknown columns")
    names = list(dict.fromkeys(columns[0] + columns[1]))
    for side, cols in zip(sides, columns):
        by_name = {}
        for e in side.expressions:
            if isinstance(e, exp.Alias):
                by_name[e.alias] = e
        side.set("expressions", [
            by_name[n] if n in by_name else exp.alias_(exp.column(n, quoted=True), n, quoted=True) if n in cols
            else exp.alias_(exp.Null(), n, quoted=True) for n in names])
    union.set("by_name", None)
    return names


def _expand_stars(select: exp.Select, schema: dict[str, tuple[str, ...]]) -> None:
    """`t.*` beside a join: ClickHouse names the columns `t.col` when another relation has `col`
    too; DuckDB names them `col`. Spelled out from the schema, with DuckDB's names."""
    if not select.args.get("joins"):
        return
    relations = {}
    for rel in [select.args["from_"].this] + [j.this for j in select.args["joins"]]:
        if isinstance(rel, exp.Table) and rel.name in schema:
            relations[rel.alias_or_name] = schema[rel.name]
    out = []
    for e in select.expressions:
        if isinstance(e, exp.Column) and isinstance(e.this, exp.Star) and e.table in relations:
            out += [exp.alias_(exp.column(c, table=e.table, quoted=True), c, quoted=True) for c in relations[e.table]]
        else:
            out.append(e)
    select.set("expressions", out)


def _select_fixes(select: exp.Select, values: dict, intervals: dict, schema: dict) -> exp.Select:
    _expand_stars(select, schema)
    # A predicate is BOOLEAN in DuckDB and UInt8 in ClickHouse: cast what is selected.
    for e in select.expressions:
        inner = e.this if isinstance(e, exp.Alias) else None
        core = inner.unnest() if inner is not None else None
        if isinstance(core, (exp.Predicate, exp.Connector, exp.Not)):
            e.set("this", exp.cast(inner, exp.DataType.build("Bool", dialect="clickhouse")))
    # DuckDB names an unaliased `t.col` projection `col`; ClickHouse names it `t.col`.
    # Only where the name is unique in the list: two `x.id` keep ClickHouse's `x.id` names.
    names = [e.alias_or_name for e in select.expressions]
    select.set("expressions", [
        exp.alias_(e, e.name, quoted=True)
        if isinstance(e, exp.Column) and e.table and not isinstance(e.this, exp.Star) and names.count(e.name) == 1
        else e
        for e in select.expressions])
    # A set-returning function in FROM (`FROM win w, generate_series(...) AS d(day)`) → ARRAY JOIN,
    # which may read the columns of the relations before it, as DuckDB's lateral call does.
    for join in select.args.get("joins") or []:
        table = join.this
        if isinstance(table, exp.Table) and isinstance(table.this, exp.Anonymous) and table.this.name == "__series":
            alias = table.args.get("alias")
            column = alias.columns[0].name if alias and alias.columns else "generate_series"
            qualifier = alias.name if alias else ""
            # A name of its own: an output alias of the same name would make it ambiguous in ClickHouse.
            unique = f"{qualifier}__{column}"
            join.set("this", exp.alias_(table.this.expressions[0], unique, quoted=True))
            join.set("kind", "ARRAY")
            join.set("side", None)
            for col in list(select.find_all(exp.Column)):
                if col.name == column and col.table in ("", qualifier) and col.find_ancestor(exp.Select) is select:
                    col.replace(exp.column(unique, quoted=True))
    # ORDER BY a name that is also an output alias means the alias in DuckDB; ClickHouse (with
    # prefer_column_name_to_alias, needed for WHERE and GROUP BY) would take the column: use its position.
    order = select.args.get("order")
    if order is not None and not select.args.get("distinct"):
        positions = {e.alias: i + 1 for i, e in enumerate(select.expressions) if isinstance(e, exp.Alias)}
        for ordered in order.expressions:
            key = ordered.this
            if isinstance(key, exp.Column) and not key.table and key.name in positions \
                    and not _is_plain_column(select.expressions[positions[key.name] - 1], key.name):
                ordered.set("this", exp.Literal.number(positions[key.name]))
    return select


def _is_plain_column(projection: exp.Expression, name: str) -> bool:
    inner = projection.this if isinstance(projection, exp.Alias) else projection
    return isinstance(inner, exp.Column) and inner.name == name


def _bind(tree: exp.Expression, types: dict[str, str | None]) -> exp.Expression:
    """Typed placeholders; NULL for parameters bound to None (see module doc)."""
    def visit(node):
        if isinstance(node, exp.Placeholder) and node.name:
            if node.name not in types:
                raise TranslationError(f"parameter ${node.name} is not bound")
            t = types[node.name]
            if t is None:
                return exp.Null()
            # An empty list has no element to type it by (ch_type_of says String): the query's own
            # cast says what it holds, e.g. $ids::BIGINT[] (an empty page of case ids).
            cast = node.parent
            if t == "Array(String)" and isinstance(cast, exp.Cast) and cast.to.is_type(exp.DataType.Type.ARRAY) \
                    and cast.to.expressions and cast.to.expressions[0].is_type(*exp.DataType.INTEGER_TYPES):
                t = "Array(Int64)"
            return exp.Placeholder(this=node.name, kind=exp.DataType.build(t, dialect="clickhouse"))
        return node

    tree = tree.transform(visit)

    def nulls(node):
        # CAST(NULL AS Array(...)) is invalid in ClickHouse: a NULL list stays a bare NULL.
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Null):
            return exp.Null()
        if isinstance(node, exp.ArrayContains) and isinstance(node.this, exp.Null):
            return exp.Null()
        # A list parameter is typed already; sqlglot's Array(Nullable(...)) cast would make
        # arraySum and friends refuse it.
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Placeholder) and node.to.is_type(exp.DataType.Type.ARRAY):
            return node.this
        return node

    return _post_order(tree, nulls)


def _interval_columns(tree: exp.Expression, values: dict) -> dict[str, tuple[int, str]]:
    """CTE columns that hold one constant interval per parameter value, e.g. trend_series' `step`
    (CASE $grain WHEN 'day' THEN INTERVAL 1 DAY ... END AS one): resolved for the bound value."""
    found = {}
    for alias in tree.find_all(exp.Alias):
        case = alias.this
        if not isinstance(case, exp.Case) or not isinstance(case.this, exp.Placeholder):
            continue
        key = values.get(case.this.name)
        chosen = case.args.get("default")
        for branch in case.args.get("ifs") or []:
            if isinstance(branch.this, exp.Literal) and branch.this.this == key:
                chosen = branch.args["true"]
                break
        if isinstance(chosen, exp.Interval):
            found[alias.alias] = _interval_parts(chosen, values)
            case.replace(chosen.copy())
    return found


@lru_cache(maxsize=1024)
def _translate(sql: str, types: tuple[tuple[str, str | None], ...], keywords: tuple[tuple[str, str], ...],
               schema: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    values, tables = dict(keywords), dict(schema)
    tree = sqlglot.parse_one(sql, read="duckdb")
    for cte in tree.find_all(exp.CTE):   # DuckDB's [NOT] MATERIALIZED hint: ClickHouse inlines a WITH anyway
        cte.set("materialized", None)
    tables.update(_cte_columns(tree, tables))
    intervals = _interval_columns(tree, values)
    tree = _bind(tree, dict(types))
    tree = _post_order(tree, lambda n: _rewrite(n, values, intervals, tables))
    return tree.sql("clickhouse")


def _post_order(node: exp.Expression, fn) -> exp.Expression:
    """Apply `fn` children first, so a rewrite that renders its arguments sees them translated."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _post_order(value, fn))
        elif isinstance(value, list):
            node.set(key, [_post_order(v, fn) if isinstance(v, exp.Expression) else v for v in value])
    return fn(node)


def translate(sql: str, params: dict, schema: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> tuple[str, dict]:
    """(ClickHouse SQL, parameters to bind) for DuckDB `sql` with `params`. None-valued parameters
    are written as NULL and dropped from the binding. `schema`: (table, columns) of the database,
    to spell out `t.*` beside joins."""
    types = tuple(sorted((k, ch_type_of(v)) for k, v in params.items()))
    # String parameters may act as keywords (units, column picks): checked where used as such.
    keywords = tuple(sorted((k, v) for k, v in params.items() if isinstance(v, str) and _IDENT.fullmatch(v.lower())))
    text = _translate(sql, types, keywords, schema)
    return text, {k: v for k, v in params.items() if v is not None}
