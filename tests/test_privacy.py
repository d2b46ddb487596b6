"""The free-text scrubber against hostile input: phones and ID numbers however they are typed."""
from __future__ import annotations

import re

import pytest

from data.privacy import scrub_text


@pytest.mark.parametrize("raw, expected", [
    ("联系人手机13812345678", "联系人手机138****5678"),
    ("电话：138 1234 5678，谢谢", "电话：138 **** 5678，谢谢"),
    ("138-1234-5678", "138-****-5678"),
    ("+86 138-1234-5678", "+86 138-****-5678"),
    ("8613812345678", "86138****5678"),
    ("１３８１２３４５６７８", "１３８****５６７８"),                  # full-width digits
    ("１３８－１２３４－５６７８", "１３８－****－５６７８"),          # full-width dashes
    ("138\u200b1234\u200b5678", "138\u200b****\u200b5678"),          # zero-width spaces between digits
    ("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8"),              # a space after every digit
    ("手机10883635080", "手机108****5080"),                          # not a real prefix: still masked
    ("座机0737-4211234", "座机0737-***1234"),
    ("座机(0737)4211234", "座机(0737)***1234"),
    ("北京010-12345678", "北京010-****5678"),
    ("本地号码4211234", "本地号码***1234"),
    ("身份证430902199001011234", "身份证430902********1234"),
    ("身份证43090219900101123X", "身份证430902********123X"),
    ("身份证 430902 19900101 123x", "身份证 430902 ******** 123x"),
    ("身份证４３０９０２１９９００１０１１２３Ｘ", "身份证４３０９０２********１２３Ｘ"),
    ("旧证430902900101123", "旧证430902******123"),
])
def test_personal_numbers_are_masked(raw, expected):
    assert scrub_text(raw) == expected


@pytest.mark.parametrize("text", [
    "2026-11-23 09:30 已处理完毕",
    "案件S01012026112300008已派遣",
    "价值260元，3名志愿者，第12网格",
    "回访：满意度 5 分",
    "",
])
def test_ordinary_text_is_left_alone(text):
    assert scrub_text(text) == text


def test_none_stays_none():
    assert scrub_text(None) is None


def test_two_phones_run_together_leave_at_most_four_digits():
    out = scrub_text("13812345678 13912345678")
    assert re.search(r"\d{5,}", out.replace(" ", "")) is None
    assert out.endswith("5678")


def test_no_eleven_digit_run_survives_any_separator_mix():
    raw = "1\u30003-8\u00a01 2\u200d3－4 5\ufeff6-7 8"
    assert sum(ch.isdigit() for ch in scrub_text(raw)) == 7


def test_a_huge_digit_run_is_handled_without_backtracking():
    out = scrub_text("9" * 200_000 + "号")
    assert out.endswith("9999号") and out.count("*") == 200_000 - 4
