"""Level-5 templates: longest increasing subsequence, edit distance, fewest coins, top k
frequent, longest run without repeats, spiral order."""

from __future__ import annotations

import random

from synthforge.generate.procedural._python_templates.spec import (
    WORDS,
    Spec,
    _code,
    _ints,
    _words,
    template,
)


@template(5)
def lis_length(rng: random.Random) -> Spec:
    name = rng.choice(("lis_length", "longest_increasing", "increasing_run_length"))
    code = _code(f'''
        def {name}(nums: list[int]) -> int:
            best = [1] * len(nums)
            for i in range(len(nums)):
                for j in range(i):
                    if nums[j] < nums[i]:
                        best[i] = max(best[i], best[j] + 1)
            return max(best, default=0)
        ''')

    def lis(nums: list[int]) -> int:
        tails: list[int] = []
        for n in nums:
            lo, hi = 0, len(tails)
            while lo < hi:
                mid = (lo + hi) // 2
                lo, hi = (mid + 1, hi) if tails[mid] < n else (lo, mid)
            tails[lo:lo + 1] = [n]
        return len(tails)

    return Spec(
        name, code,
        "returns the length of the longest strictly increasing subsequence of `nums` (not "
        "necessarily contiguous)",
        ("Let best[i] be the length of the longest increasing subsequence ending at i; "
         "alone, each element gives 1.",
         "For every earlier j with a strictly smaller value, nums[i] can extend that "
         "subsequence by one.",
         "The answer is the largest best[i] (0 for an empty list): the best subsequence need "
         "not end at the last element."),
        (([],), ([4, 4, 4],), (_ints(rng, 9, 0, 30),), ([1, 5, 2, 6, 3, 7, 0],),
         (_ints(rng, 7, -5, 5) + [-9],)),
        lis,
        (("nums[j] < nums[i]", "nums[j] <= nums[i]"), ("max(best, default=0)", "best[-1]")))


@template(5)
def edit_distance(rng: random.Random) -> Spec:
    name = rng.choice(("edit_distance", "levenshtein", "min_edits"))
    code = _code(f'''
        def {name}(a: str, b: str) -> int:
            prev = list(range(len(b) + 1))
            for i, ca in enumerate(a, 1):
                cur = [i]
                for j, cb in enumerate(b, 1):
                    cost = 0 if ca == cb else 1
                    cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost))
                prev = cur
            return prev[-1]
        ''')

    def dist(a: str, b: str) -> int:
        table = [[max(i, j) if not (i and j) else 0 for j in range(len(b) + 1)]
                 for i in range(len(a) + 1)]
        for i in range(1, len(a) + 1):
            for j in range(1, len(b) + 1):
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1,
                                  table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
        return table[-1][-1]

    w1, w2 = rng.sample(WORDS, 2)
    edited = list(w1)
    for _ in range(rng.randint(1, 3)):
        edited[rng.randrange(len(edited))] = rng.choice("aeiouxyz")
    return Spec(
        name, code,
        "returns the Levenshtein distance between `a` and `b`: the fewest single-character "
        "insertions, deletions and substitutions that turn `a` into `b`",
        ("Use dynamic programming over prefixes, one row at a time: row i holds the "
         "distances from a[:i] to every prefix of b.",
         "The first row is 0, 1, 2, ... (inserting b's letters), and each row starts at i "
         "(deleting a's letters).",
         "A cell takes the cheapest of a deletion, an insertion, or a substitution (free "
         "when the letters match).",
         "The last cell of the last row is the answer."),
        (("", ""), (w1, ""), ("", w2), (w1, w2), ("cat", "cut"), (w1, "".join(edited))),
        dist,
        (("cur = [i]", "cur = [0]"), ("prev[j - 1] + cost", "prev[j - 1]")))


@template(5)
def min_coins(rng: random.Random) -> Spec:
    name = rng.choice(("min_coins", "fewest_coins", "coin_change"))
    code = _code(f'''
        def {name}(coins: list[int], amount: int) -> int:
            best = [0] + [amount + 1] * amount
            for value in range(1, amount + 1):
                for c in coins:
                    if c <= value:
                        best[value] = min(best[value], best[value - c] + 1)
            return best[amount] if best[amount] <= amount else -1
        ''')
    greedy = _code(f'''
        def {name}(coins: list[int], amount: int) -> int:
            count = 0
            for c in sorted(coins, reverse=True):
                count += amount // c
                amount %= c
            return count if amount == 0 else -1
        ''')

    def fewest(coins: list[int], amount: int) -> int:
        best = [0] + [amount + 1] * amount
        for v in range(1, amount + 1):
            best[v] = min([best[v]] + [best[v - c] + 1 for c in coins if c <= v])
        return best[amount] if best[amount] <= amount else -1

    def by_greed(coins: list[int], amount: int) -> int:
        count = 0
        for c in sorted(coins, reverse=True):
            count, amount = count + amount // c, amount % c
        return count if amount == 0 else -1

    while True:  # coin values where taking the largest coin first is not optimal
        coins = [1, *sorted(rng.sample(range(3, 13), 2))]
        traps = [a for a in range(2, 40) if fewest(coins, a) != by_greed(coins, a)]
        if traps:
            break
    trap = rng.choice(traps)
    odd = rng.choice((2, 4, 6))
    return Spec(
        name, code,
        "returns the fewest coins (of the values in `coins`, each usable any number of times) "
        "that add up to `amount`, or -1 if it cannot be made",
        ("Greedy (largest coin first) is not always optimal, so use dynamic programming.",
         "best[v] is the fewest coins for value v, with best[0] = 0 and 'too many' "
         "(amount + 1) as the starting value elsewhere.",
         "For each value, try each coin that fits: one coin plus the best for the rest.",
         "If best[amount] is still 'too many', the amount cannot be made: return -1."),
        ((coins, 0), (coins, trap), (coins, rng.randint(10, 40)), ([odd], odd * 3 + 1),
         ([2, 5], 3)),
        fewest,
        ((code.split("\n", 1)[1], greedy.split("\n", 1)[1]), ("else -1", "else 0")))


@template(5)
def top_k_frequent(rng: random.Random) -> Spec:
    name = rng.choice(("top_k_frequent", "most_frequent", "k_most_common"))
    code = _code(f'''
        def {name}(words: list[str], k: int) -> list[str]:
            counts = {{}}
            for w in words:
                counts[w] = counts.get(w, 0) + 1
            return sorted(counts, key=lambda w: (-counts[w], w))[:k]
        ''')
    a, b, c = sorted(rng.sample(WORDS, 3))
    words = [c, b, c, a, b, a] + _words(rng, 3)
    return Spec(
        name, code,
        "returns the `k` most frequent words of `words`, most frequent first, with ties in "
        "alphabetical order",
        ("Count every word in a dict.",
         "Sort the distinct words by the key (-count, word): higher counts first, and "
         "alphabetical among equal counts.",
         "Keep the first k (fewer if there are not that many words)."),
        (([], 2), ([c, b, a], 2), (words, 2), (words, 10), ([b, a, b, c, a, c], 1)),
        lambda ws, k: sorted(set(ws), key=lambda w: (-ws.count(w), w))[:k],
        (("(-counts[w], w)", "-counts[w]"), ("[:k]", "[:k - 1]")))


@template(5)
def longest_unique(rng: random.Random) -> Spec:
    name = rng.choice(("longest_unique_substring", "longest_distinct_run", "max_unique_window"))
    code = _code(f'''
        def {name}(s: str) -> int:
            last = {{}}
            start = best = 0
            for i, ch in enumerate(s):
                if ch in last and last[ch] >= start:
                    start = last[ch] + 1
                last[ch] = i
                best = max(best, i - start + 1)
            return best
        ''')

    def brute(s: str) -> int:
        return max((j - i for i in range(len(s)) for j in range(i, len(s) + 1)
                    if len(set(s[i:j])) == j - i), default=0)

    return Spec(
        name, code,
        "returns the length of the longest substring of `s` with no repeated character",
        ("Slide a window [start, i] that never holds a character twice.",
         "Remember the last index of each character; when the current character was seen "
         "inside the window, move start just past that earlier position.",
         "A character last seen before the window does not move it (so start never moves "
         "back).",
         "Track the largest window; the empty string gives 0."),
        (("",), ("abba",), (rng.choice(WORDS) + rng.choice(WORDS),), ("aaaa",),
         ("".join(rng.choice("abcd") for _ in range(12)),)),
        brute,
        ((" and last[ch] >= start", ""), ("i - start + 1", "i - start")))


@template(5)
def spiral(rng: random.Random) -> Spec:
    name = rng.choice(("spiral_order", "spiral", "walk_spiral"))
    code = _code(f'''
        def {name}(matrix: list[list[int]]) -> list[int]:
            result = []
            while matrix:
                result.extend(matrix[0])
                matrix = [list(row) for row in zip(*matrix[1:])][::-1]
            return result
        ''')

    def walk(m: list[list[int]]) -> list[int]:
        out: list[int] = []
        top, bottom, left, right = 0, len(m) - 1, 0, (len(m[0]) - 1 if m else -1)
        while top <= bottom and left <= right:
            out += [m[top][c] for c in range(left, right + 1)]
            out += [m[r][right] for r in range(top + 1, bottom + 1)]
            if top < bottom:
                out += [m[bottom][c] for c in range(right - 1, left - 1, -1)]
            if left < right:
                out += [m[r][left] for r in range(bottom - 1, top, -1)]
            top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
        return out

    rows, cols = rng.choice(((3, 3), (3, 4), (4, 3), (2, 5)))
    grid = [_ints(rng, cols, 0, 99) for _ in range(rows)]
    return Spec(
        name, code,
        "returns the elements of the rectangular matrix `matrix` in clockwise spiral order, "
        "starting at the top-left corner",
        ("Take the top row.",
         "Rotate what is left a quarter turn anticlockwise (transpose, then reverse the "
         "rows), so the next side to walk becomes the top row.",
         "Repeat until nothing is left; an empty matrix gives []."),
        (([],), ([[1, 2], [3, 4]],), (grid,), ([[rng.randint(0, 9)] for _ in range(3)],)),
        walk,
        (("][::-1]", "]"),))
