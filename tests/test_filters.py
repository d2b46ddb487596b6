"""The URL half of the filters, without a Streamlit run: what a link may say and what it may not."""
from __future__ import annotations

from datetime import date

from ui.filters import (DEFAULT_PRESET, MAX_VALUE_CHARS, parse_code_list, parse_query_params, preset_window,
                        validate_codes)
from ui.text import md_untrusted


def test_a_full_link_is_read_back_exactly():
    state = parse_query_params({"range": "custom", "start": "2026-10-01", "end": "2026-10-31",
                                "district": "430902", "street": "430902001", "kind": "event",
                                "major": "S01,S02", "category": "S0101", "source": "grid,hotline", "unit": "C001"})
    assert (state.preset, state.start, state.end) == ("custom", date(2026, 10, 1), date(2026, 10, 31))
    assert state.areas == ("430902", "430902001", None, None)
    assert dict(state.lists) == {"kind": ("event",), "major": ("S01", "S02"), "category": ("S0101",),
                                 "source": ("grid", "hotline"), "unit": ("C001",)}
    assert state.notices == ()


def test_hostile_values_are_dropped_with_short_notices_and_never_raise():
    state = parse_query_params({
        "range": "x" * 5000, "district": "1 OR 1=1", "street": "430902001;DROP TABLE cases",
        "kind": "event,'; DROP TABLE cases; --,<script>alert(1)</script>", "unit": "C" * (MAX_VALUE_CHARS + 1),
        "source": "grid,,grid, hotline ", "category": "\x00\n",
    })
    assert state.preset == DEFAULT_PRESET
    assert state.areas == (None, None, None, None)
    assert state.lists["kind"] == ("event",)
    assert state.lists["unit"] == ()
    assert state.lists["source"] == ("grid", "hotline")          # duplicates and blanks folded
    assert all(len(n) < 80 for n in state.notices), state.notices
    assert any("过长" in n for n in state.notices)
    assert sum("格式无效" in n for n in state.notices) == 3      # two kinds, one category


def test_unknown_parameter_names_are_reported_only_when_the_page_declares_its_own():
    params = {"range": "month", "measure": "rate", "distrct": "430902", "embed": "true"}
    assert parse_query_params(params).notices == ()
    notices = parse_query_params(params, page_params=("measure",)).notices
    assert notices == ("链接参数“distrct”无法识别，已忽略",)


def test_a_custom_range_must_be_two_dates_in_order():
    for start, end in (("2026-10-31", "2026-10-01"), ("2026-13-01", "2026-10-01"), ("", ""), ("2000-01-01", "2026-01-01")):
        state = parse_query_params({"range": "custom", "start": start, "end": end})
        assert (state.preset, state.start) == (DEFAULT_PRESET, None)
        assert state.notices == ("链接中的起止日期无效（须为 1970–2099 年间、不超过 3660 天的 YYYY-MM-DD 日期），已使用近30天",)


def test_many_bad_codes_are_summarised_not_listed():
    codes, notices = parse_code_list("unit", ",".join(f"bad code {i}" for i in range(10)))
    assert codes == () and len(notices) == 4 and "另有 7 个" in notices[-1]


def test_codes_outside_the_allow_list_are_dropped_and_named():
    kept, notices = validate_codes(["S01", "ZZ9", "S02"], {"S01", "S02", "B01"}, "大类")
    assert kept == ["S01", "S02"]
    assert notices == ["链接中的大类代码“ZZ9”不存在或不在可选范围内，已忽略"]


def test_url_text_in_a_notice_cannot_become_markdown():
    assert md_untrusted("![x](http://evil.example/a.png)", 20) == "\\!\\[x\\]\\(http\\:\\/\\/evil\\.exa…"
    assert md_untrusted(":red[危险]", 20) == "\\:red\\[危险\\]"
    assert md_untrusted("a\nb\x00", 20) == "a\\?b\\?"


def test_presets_are_half_open_windows_ending_after_today():
    day = date(2026, 11, 23)   # a Monday
    assert preset_window("today", day) == (day, date(2026, 11, 24))
    assert preset_window("week", day) == (day, date(2026, 11, 24))
    assert preset_window("month", day) == (date(2026, 11, 1), date(2026, 11, 24))
    assert preset_window("quarter", day) == (date(2026, 10, 1), date(2026, 11, 24))
    assert preset_window("year", day) == (date(2026, 1, 1), date(2026, 11, 24))
    assert preset_window("last30", day) == (date(2026, 10, 25), date(2026, 11, 24))
