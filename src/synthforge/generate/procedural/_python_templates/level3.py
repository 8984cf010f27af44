"""Level-3 templates: run-length encoding, chunks, transpose, group by length, two sum,
Caesar cipher, most common word."""

from __future__ import annotations

import random
import re

from synthforge.generate.procedural._python_templates.spec import (
    WORDS,
    Spec,
    _code,
    _ints,
    _sentence,
    _words,
    template,
)


@template(3)
def run_length(rng: random.Random) -> Spec:
    name = rng.choice(("run_length_encode", "compress_runs", "rle"))
    count_first = rng.random() < 0.5
    piece = "f\"{count}{current}\"" if count_first else "f\"{current}{count}\""
    code = _code(f'''
        def {name}(s: str) -> str:
            if not s:
                return ""
            out = []
            current, count = s[0], 1
            for ch in s[1:]:
                if ch == current:
                    count += 1
                else:
                    out.append({piece})
                    current, count = ch, 1
            out.append({piece})
            return "".join(out)
        ''')

    def encode(s: str) -> str:
        runs = [(m.group(0)[0], len(m.group(0))) for m in re.finditer(r"(.)\1*", s)]
        return "".join(f"{n}{c}" if count_first else f"{c}{n}" for c, n in runs)

    letters = "".join(rng.choice("ab") * rng.randint(1, 4) for _ in range(5))
    example = "a3b1" if not count_first else "3a1b"
    return Spec(
        name, code,
        "returns the run-length encoding of `s`: each run of equal characters becomes "
        + ("its length followed by the character" if count_first else
           "the character followed by its length") + f" (for example 'aaab' gives {example!r})",
        ("Walk along the string keeping the current character and how long its run is.",
         "When the character changes, write out the finished run and start a new one.",
         "After the loop, write out the last run too; an empty string encodes to ''."),
        (("",), ("z",), (letters,), (rng.choice(WORDS),), ("aaabccdddd",)),
        encode,
        (("\n    out.append(" + piece + ")\n    return", "\n    return"),
         ("current, count = ch, 1", "current, count = ch, 0")))


@template(3)
def chunk(rng: random.Random) -> Spec:
    name = rng.choice(("chunk", "split_into_chunks", "batches"))
    code = _code(f'''
        def {name}(items: list, size: int) -> list[list]:
            return [items[i:i + size] for i in range(0, len(items), size)]
        ''')
    size = rng.randint(2, 4)
    items = list(range(rng.randint(size * 2 + 1, size * 3 - 1) if size > 2 else 7))
    return Spec(
        name, code,
        "splits `items` into consecutive lists of length `size` (size >= 1); the last list "
        "may be shorter",
        ("Start a chunk at every multiple of size: `range(0, len(items), size)`.",
         "Slice `items[i:i + size]`; a slice past the end just stops at the end, so the last "
         "chunk may be shorter.",
         "An empty list gives no chunks."),
        (([], size), (items, size), (_words(rng, 4), 1), (list("abcde"), 2)),
        lambda items, size: [items[i:i + size] for i in range(0, len(items), size)],
        (("range(0, len(items), size)", "range(0, len(items) - size + 1, size)"),
         ("items[i:i + size]", "items[i:i + size - 1]")))


@template(3)
def transpose(rng: random.Random) -> Spec:
    name = rng.choice(("transpose", "flip_matrix", "columns_as_rows"))
    code = _code(f'''
        def {name}(matrix: list[list[int]]) -> list[list[int]]:
            if not matrix:
                return []
            return [[row[c] for row in matrix] for c in range(len(matrix[0]))]
        ''')
    rows, cols = rng.choice(((2, 3), (3, 2), (2, 4)))
    grid = [_ints(rng, cols, 0, 9) for _ in range(rows)]
    return Spec(
        name, code,
        "returns the transpose of the rectangular matrix `matrix` (a list of rows): row i of "
        "the result is column i of the input",
        ("The result has one row per column of the input, so loop over the column indexes "
         "of the first row.",
         "Column c is `[row[c] for row in matrix]`.",
         "An empty matrix transposes to an empty list."),
        (([],), (grid,), ([[1, 2, 3]],), ([[rng.randint(0, 9)], [rng.randint(0, 9)]],)),
        lambda m: [list(col) for col in zip(*m, strict=True)] if m else [],
        (("range(len(matrix[0]))", "range(len(matrix))"),))


@template(3)
def group_by_length(rng: random.Random) -> Spec:
    name = rng.choice(("group_by_length", "bucket_by_length", "words_by_size"))
    code = _code(f'''
        def {name}(words: list[str]) -> dict[int, list[str]]:
            groups = {{}}
            for w in words:
                groups.setdefault(len(w), []).append(w)
            return groups
        ''')
    words = _words(rng, 5) + ["cat", "dog"]
    rng.shuffle(words)
    return Spec(
        name, code,
        "returns a dict mapping each word length to the list of words of `words` with that "
        "length, in their original order",
        ("`dict.setdefault(key, [])` returns the list for a length, creating it the first time.",
         "Append each word to the list for its length, so words of equal length are all kept.",
         "No words give an empty dict."),
        (([],), (words,), (["a", "bb", "c"],)),
        lambda ws: {n: [w for w in ws if len(w) == n] for n in dict.fromkeys(map(len, ws))},
        (("groups.setdefault(len(w), []).append(w)", "groups[len(w)] = [w]"),))


@template(3)
def two_sum(rng: random.Random) -> Spec:
    name = rng.choice(("two_sum", "pair_with_sum", "find_pair"))
    code = _code(f'''
        def {name}(nums: list[int], target: int) -> list[int]:
            seen = {{}}
            for j, n in enumerate(nums):
                if target - n in seen:
                    return [seen[target - n], j]
                seen.setdefault(n, j)
            return []
        ''')

    def brute(nums: list[int], target: int) -> list[int]:
        for j in range(len(nums)):
            for i in range(j):
                if nums[i] + nums[j] == target:
                    return [i, j]
        return []

    x = rng.randint(2, 20)
    trap = [x, rng.randint(30, 40), rng.randint(41, 50)]
    return Spec(
        name, code,
        "returns the indexes `[i, j]` (i < j) of two numbers of `nums` that add up to "
        "`target`: the pair whose second index j is smallest, and for that j the smallest i; "
        "`[]` if there is none",
        ("Scan once, remembering the first index at which each value was seen.",
         "At index j, the partner needed is `target - n`; if it was seen before, return its "
         "index and j.",
         "Record the current value only after the check, so an element is never paired with "
         "itself.",
         "If the scan ends, there is no pair: return []."),
        (([], 5), (trap, 2 * x), ([3, 1, 3, 5], 6), (_ints(rng, 6, 0, 9), 100),
         (_ints(rng, 6, 0, 20), rng.randint(5, 30))),
        brute,
        (("        if target - n in seen:\n            return [seen[target - n], j]\n"
          "        seen.setdefault(n, j)",
          "        seen.setdefault(n, j)\n        if target - n in seen:\n"
          "            return [seen[target - n], j]"),
         ("    return []", "    return [-1, -1]")))


@template(3)
def caesar(rng: random.Random) -> Spec:
    name = rng.choice(("caesar", "shift_letters", "rotate_letters"))
    shift = rng.randint(2, 25)
    code = _code(f'''
        def {name}(text: str, shift: int) -> str:
            out = []
            for ch in text:
                if ch.isalpha():
                    base = ord("A") if ch.isupper() else ord("a")
                    out.append(chr((ord(ch) - base + shift) % 26 + base))
                else:
                    out.append(ch)
            return "".join(out)
        ''')

    def shift_text(text: str, k: int) -> str:
        return "".join(chr((ord(c) - (b := 65 if c.isupper() else 97) + k) % 26 + b)
                       if c.isalpha() else c for c in text)

    return Spec(
        name, code,
        "returns `text` with every ASCII letter shifted `shift` places along the alphabet "
        "(wrapping from z to a, keeping upper and lower case); other characters are unchanged",
        ("Find each letter's position from 'A' or 'a', depending on its case.",
         "Add the shift and wrap around with `% 26`, then turn the position back into a letter.",
         "Characters that are not letters are copied as they are."),
        (("", shift), ("xyz XYZ!", shift), (_sentence(rng, 2).title() + "?", shift),
         ("Zebra", 26 + shift)),
        shift_text,
        (("(ord(ch) - base + shift) % 26 + base", "(ord(ch) - base + shift) + base"),
         ('ord("A") if ch.isupper() else ord("a")', 'ord("a")')))


@template(3)
def most_common_word(rng: random.Random) -> Spec:
    name = rng.choice(("most_common_word", "top_word", "commonest_word"))
    code = _code(f'''
        def {name}(text: str) -> str:
            counts = {{}}
            for w in text.lower().split():
                counts[w] = counts.get(w, 0) + 1
            return min(counts, key=lambda w: (-counts[w], w))
        ''')

    def top(text: str) -> str:
        words = text.lower().split()
        return min(set(words), key=lambda w: (-words.count(w), w))

    a, b = sorted(rng.sample(WORDS, 2))
    tie = f"{b} {a} {b.upper()} {a}"
    return Spec(
        name, code,
        "returns the word that occurs most often in `text` (a non-empty string of words "
        "separated by whitespace), ignoring case; ties go to the alphabetically first word, "
        "and the result is lower case",
        ("Lower-case the text and split it into words.",
         "Count each word in a dict.",
         "Pick the word with the highest count, breaking ties by the word itself: the "
         "smallest key `(-count, word)`."),
        ((tie,), (_sentence(rng, 7),), (rng.choice(WORDS).upper(),), ("b a B a c",)),
        top,
        (("min(counts, key=lambda w: (-counts[w], w))", "max(counts, key=counts.get)"),
         ("text.lower().split()", "text.split()")))
