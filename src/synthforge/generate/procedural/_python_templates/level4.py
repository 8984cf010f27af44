"""Level-4 templates: merge intervals, balanced brackets, common prefix, binary search,
flatten, anagram groups."""

from __future__ import annotations

import random

from synthforge.generate.procedural._python_templates.spec import (
    WORDS,
    Spec,
    _brackets,
    _code,
    _ints,
    template,
)


@template(4)
def merge_intervals(rng: random.Random) -> Spec:
    name = rng.choice(("merge_intervals", "merge_ranges", "union_of_intervals"))
    code = _code(f'''
        def {name}(intervals: list[list[int]]) -> list[list[int]]:
            result = []
            for start, end in sorted(intervals):
                if result and start <= result[-1][1]:
                    result[-1][1] = max(result[-1][1], end)
                else:
                    result.append([start, end])
            return result
        ''')

    def merge(intervals: list[list[int]]) -> list[list[int]]:
        out: list[list[int]] = []
        for s, e in sorted(intervals):
            if out and s <= out[-1][1]:
                out[-1][1] = max(out[-1][1], e)
            else:
                out.append([s, e])
        return out

    a = rng.randint(0, 10)
    touching = [[a + 5, a + 8], [a, a + 5]]
    inside = [[a, a + 10], [a + 2, a + 4], [a + 20, a + 22]]
    spans = [sorted(_ints(rng, 2, 0, 40)) for _ in range(5)]
    return Spec(
        name, code,
        "merges the overlapping intervals `[start, end]` of `intervals` (not sorted) and "
        "returns them sorted by start; intervals that touch, like [1, 3] and [3, 5], merge too",
        ("Sort the intervals by start, so that overlapping ones become neighbours.",
         "Keep the merged list; an interval whose start is at most the last merged end "
         "overlaps (or touches) it.",
         "When merging, keep the larger end: the new interval may lie entirely inside.",
         "Otherwise start a new merged interval. No intervals give []."),
        (([],), (touching,), (inside,), (spans,)),
        merge,
        (("sorted(intervals)", "intervals"), ("start <= result[-1][1]", "start < result[-1][1]"),
         ("max(result[-1][1], end)", "end")))


@template(4)
def balanced(rng: random.Random) -> Spec:
    name = rng.choice(("is_balanced", "brackets_match", "balanced"))
    code = _code(f'''
        def {name}(s: str) -> bool:
            pairs = {{")": "(", "]": "[", "}}": "{{"}}
            stack = []
            for ch in s:
                if ch in "([{{":
                    stack.append(ch)
                elif ch in pairs:
                    if not stack or stack.pop() != pairs[ch]:
                        return False
            return not stack
        ''')

    def check(s: str) -> bool:
        stack: list[str] = []
        for ch in s:
            if ch in "([{":
                stack.append(ch)
            elif ch in ")]}" and (not stack or stack.pop() != {")": "(", "]": "[", "}": "{"}[ch]):
                return False
        return not stack

    word = rng.choice(WORDS)
    nested = ""
    while len(nested) < 12:
        nested = _brackets(rng, 3)
    closers = [i for i, ch in enumerate(nested) if ch in ")]}"]
    i = rng.choice(closers)
    crossed = nested[:i] + {")": "]", "]": "}", "}": ")"}[nested[i]] + nested[i + 1:]
    return Spec(
        name, code,
        "returns whether the brackets (), [] and {} in `s` are balanced and properly nested; "
        "other characters are ignored",
        ("Push every opening bracket on a stack.",
         "A closing bracket must match the opening bracket on top of the stack; if the stack "
         "is empty or the top differs, the string is unbalanced.",
         "At the end the stack must be empty: an unclosed bracket is unbalanced too."),
        (("",), (nested,), (crossed,), ("(]",), (f"(({word})",), ("{[()()]}",), (")(",)),
        check,
        (("return not stack", "return True"), ("stack.pop() != pairs[ch]", "not stack.pop()")))


@template(4)
def common_prefix(rng: random.Random) -> Spec:
    name = rng.choice(("longest_common_prefix", "common_prefix", "shared_prefix"))
    code = _code(f'''
        def {name}(words: list[str]) -> str:
            if not words:
                return ""
            prefix = words[0]
            for w in words[1:]:
                while not w.startswith(prefix):
                    prefix = prefix[:-1]
            return prefix
        ''')

    def lcp(words: list[str]) -> str:
        if not words:
            return ""
        n = 0
        while all(len(w) > n and w[n] == words[0][n] for w in words):
            n += 1
        return words[0][:n]

    stem = rng.choice(("inter", "trans", "micro", "super", "under"))
    three = [stem + "national", stem + "nal", stem[:2] + "x"]
    return Spec(
        name, code,
        "returns the longest string that every word of `words` starts with ('' if there is "
        "none or the list is empty)",
        ("Start with the first word as the candidate prefix.",
         "For each other word, shorten the candidate from the end until the word starts "
         "with it.",
         "The candidate only shrinks, so after the last word it is the common prefix."),
        (([],), ([stem + w for w in rng.sample(WORDS, 3)],), (three,), (["same", "same"],),
         (["abc", "xyz"],)),
        lcp,
        (("prefix[:-1]", "prefix[1:]"), ("for w in words[1:]:", "for w in words[1:2]:")))


@template(4)
def binary_search(rng: random.Random) -> Spec:
    name = rng.choice(("binary_search", "find_index", "search_sorted"))
    code = _code(f'''
        def {name}(nums: list[int], target: int) -> int:
            lo, hi = 0, len(nums) - 1
            while lo <= hi:
                mid = (lo + hi) // 2
                if nums[mid] == target:
                    return mid
                if nums[mid] < target:
                    lo = mid + 1
                else:
                    hi = mid - 1
            return -1
        ''')
    nums = sorted(rng.sample(range(0, 100), rng.randint(6, 10)))
    missing = next(v for v in range(100) if v not in nums)
    return Spec(
        name, code,
        "returns the index of `target` in the sorted list of distinct integers `nums`, or -1 "
        "if it is absent, in O(log n) time",
        ("Keep a window [lo, hi] of indexes where the target can still be.",
         "Look at the middle: if it is the target, done; if it is smaller, the target is to "
         "the right; else to the left.",
         "Loop while lo <= hi: a window of one element must still be checked.",
         "An empty window means the target is absent: return -1."),
        (([], 3), ([7], 7), (nums, nums[-1]), (nums, nums[0]), (nums, missing),
         (nums, rng.choice(nums))),
        lambda nums, t: nums.index(t) if t in nums else -1,
        (("while lo <= hi:", "while lo < hi:"),))


@template(4)
def flatten(rng: random.Random) -> Spec:
    name = rng.choice(("flatten", "flatten_deep", "flat_list"))
    code = _code(f'''
        def {name}(nested: list) -> list:
            flat = []
            for item in nested:
                if isinstance(item, list):
                    flat.extend({name}(item))
                else:
                    flat.append(item)
            return flat
        ''')

    def flat(nested: list) -> list:
        out: list = []
        for item in nested:
            out.extend(flat(item) if isinstance(item, list) else [item])
        return out

    a, b, c, d = _ints(rng, 4, 0, 9)
    return Spec(
        name, code,
        "returns the items of the nested list `nested` (lists inside lists, any depth) as one "
        "flat list, in order",
        ("Walk over the items; a plain item goes straight to the result.",
         "A list is flattened by the same function (recursion) and its items added.",
         "Empty lists contribute nothing."),
        (([],), ([a, [b, [c, [d]]]],), ([[], [[]], a],), ([[a, b], c, [[d, [a]]]],)),
        flat,
        ((f"flat.extend({name}(item))", "flat.extend(item)"),))


@template(4)
def anagram_groups(rng: random.Random) -> Spec:
    name = rng.choice(("group_anagrams", "anagram_groups", "bucket_anagrams"))
    code = _code(f'''
        def {name}(words: list[str]) -> list[list[str]]:
            groups = {{}}
            for w in words:
                groups.setdefault("".join(sorted(w)), []).append(w)
            return list(groups.values())
        ''')

    def group(words: list[str]) -> list[list[str]]:
        keys = list(dict.fromkeys("".join(sorted(w)) for w in words))
        return [[w for w in words if "".join(sorted(w)) == k] for k in keys]

    a, b = rng.sample(WORDS, 2)
    words = [a, b, a[::-1], "".join(sorted(b)), rng.choice(("listen", "silent", "enlist"))]
    rng.shuffle(words)
    return Spec(
        name, code,
        "groups the words of `words` that are anagrams of each other; returns the groups in "
        "order of first appearance, each keeping the words' order",
        ("Two words are anagrams when their sorted letters are equal, so the sorted letters "
         "make a key.",
         "Collect the words in a dict from key to list; dicts keep insertion order, which gives "
         "the groups in order of first appearance.",
         "No words give no groups."),
        (([],), (words,), (["abc", "bca", "xyz", "cab", "zyx"],)),
        group,
        (('"".join(sorted(w))', "len(w)"),))
