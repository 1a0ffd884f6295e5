"""未诉先办: the topic of a work order's text, for grouping recurring complaints.

A topic is a keyword: a word of the text (rjieba word segmentation in search mode, so that a compound
such as 垃圾清运 also yields 垃圾 and 清运) of at least two characters that is not a stopword, a number or
punctuation. Orders of one community and one category are grouped by their
keywords; each order joins the group of its most frequent keyword in that cell (ties: the earlier
keyword in the text), so an order counts in one group only and the grouping is deterministic.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import rjieba

# Words that say nothing about what the complaint is about: the requests' boilerplate, pronouns,
# time words and intensifiers found in 12345 texts.
STOPWORDS = frozenset(
    """
    希望 尽快 处理 解决 反映 来电 市民 居民 请求 要求 诉求 问题 情况 现在 目前 已经 一直 没有 无人 不能
    不行 影响 我们 他们 你们 自己 这个 那个 这里 那里 这样 那样 什么 怎么 为什么 可以 能够 需要 相关
    部门 有关 工作人员 进行 关于 表示 认为 觉得 非常 特别 比较 严重 很大 很多 太多 多次 经常 每天
    天天 今天 昨天 明天 上午 下午 晚上 早上 中午 时候 时间 一下 一些 一个 两个 三天 几天 多天 一周
    一月 一年 还是 但是 而且 因为 所以 如果 虽然 然后 或者 以及 并且 没人 有人 谁 给予 协调 督促 帮助
    帮忙 联系 电话 回复 答复 投诉 举报 咨询 建议 小区 社区 街道 门口 附近 周边 楼下 家里 院内
    """.split()
)
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")


def keywords(text: str) -> list[str]:
    """The text's keywords in order of first appearance, each once."""
    seen: dict[str, None] = {}
    for w in rjieba.cut_for_search(text or ""):
        if len(w) >= 2 and w not in seen and w not in STOPWORDS and _WORD.match(w):
            seen[w] = None
    return list(seen)


def group(items: Iterable[tuple[int, str, str, str]], *, threshold: int) -> list[dict]:
    """Group (order id, cell key, category, text) into recurring topics.

    A cell is where grouping happens (the community's path); returns one dict per group of at least
    `threshold` orders: {"cell", "category", "keyword", "orders": [ids]}, sorted by cell, category and
    size (largest first)."""
    cells: dict[tuple[str, str], list[tuple[int, list[str]]]] = defaultdict(list)
    for oid, cell, category, text in items:
        cells[(cell, category)].append((oid, keywords(text)))
    out = []
    for (cell, category), orders in cells.items():
        if len(orders) < threshold:
            continue
        freq = Counter(w for _oid, words in orders for w in words)
        members: dict[str, list[int]] = defaultdict(list)
        for oid, words in orders:
            if not words:
                continue
            best = max(range(len(words)), key=lambda i: (freq[words[i]], -i))
            members[words[best]].append(oid)
        for word, ids in members.items():
            if len(ids) >= threshold:
                out.append({"cell": cell, "category": category, "keyword": word, "orders": sorted(ids)})
    out.sort(key=lambda g: (g["cell"], g["category"], -len(g["orders"]), g["keyword"]))
    return out
