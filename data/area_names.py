"""Plausible Chinese names for synthetic communities, villages and spare towns (demo only).

Names are built from common place-name characters; uniqueness is guaranteed within one parent by
the caller passing the names already taken. Deterministic for a given numpy Generator state.
"""

from __future__ import annotations

import numpy as np

# Urban community names: common words used for 社区 in Hunan cities.
_URBAN_WORDS = (
    "桃花 金花 银城 龙洲 梓山 康富 秀峰 碧云 丰泽 花园 育才 清溪 五一 建设 和平 团结 光明 新华 "
    "向阳 朝阳 紫竹 白鹿 民主 友谊 文昌 学府 杏林 锦绣 滨江 江南 江北 沿河 北门 南门 东门 西流湾 "
    "三里桥 贺家桥 高坪 马良 石码头 卫生路 迎宾 会龙 鹅羊池 碧桂 银苑 枫林 金山 梅林 桥北 书院 "
    "体育路 人民路 资江 长春 栖霞 秀山 兰溪 月湖 茶亭 站前 龙山港 红旗 新桥 幸福 安居 广场"
).split()
# First and second characters of rural village names (村).
_RURAL_FIRST = list("青石白黄杨樟枫竹茶荷梅桃李柳松杉龙凤金银新长高双大小东西南北花清丰永安福兴和仁德山")
_RURAL_SECOND = list("山塘桥湖冲坪湾溪港岭洲林园坝铺田坡垸口河嘴垅峰堤江庄台坳湘")
# Characters for spare town names when the reference list runs out.
_TOWN_FIRST = list("永兴福宁清泉云岩凤龙桂华茂丰")
_TOWN_SECOND = list("山溪江桥塘坪洲岭")


def _pick_unique(make, taken: set[str], rng: np.random.Generator, tries: int = 500) -> str:
    for _ in range(tries):
        name = make()
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of unique names")


def urban_community_name(taken: set[str], rng: np.random.Generator) -> str:
    """e.g. 桃花社区 (then two-character combinations once the word list is used up)."""
    def make() -> str:
        if rng.random() < 0.85:
            return _URBAN_WORDS[rng.integers(len(_URBAN_WORDS))] + "社区"
        return _RURAL_FIRST[rng.integers(len(_RURAL_FIRST))] + _RURAL_SECOND[rng.integers(len(_RURAL_SECOND))] + "社区"
    return _pick_unique(make, taken, rng)


def village_name(taken: set[str], rng: np.random.Generator) -> str:
    """e.g. 樟树冲村 / 石塘村."""
    def make() -> str:
        first = _RURAL_FIRST[rng.integers(len(_RURAL_FIRST))]
        second = _RURAL_SECOND[rng.integers(len(_RURAL_SECOND))]
        if rng.random() < 0.4:  # three-character names such as 樟树冲 are common
            first += _RURAL_FIRST[rng.integers(len(_RURAL_FIRST))]
        return first + second + "村"
    return _pick_unique(make, taken, rng)


def spare_town_name(suffix: str, taken: set[str], rng: np.random.Generator) -> str:
    """A town or street name when the reference list has no more, e.g. 云溪镇."""
    return _pick_unique(
        lambda: _TOWN_FIRST[rng.integers(len(_TOWN_FIRST))] + _TOWN_SECOND[rng.integers(len(_TOWN_SECOND))] + suffix,
        taken, rng)


def grid_name(community_name: str, number: int, grid_word: str) -> str:
    """e.g. 桃花社区第3网格."""
    return f"{community_name}第{number}{grid_word}"
