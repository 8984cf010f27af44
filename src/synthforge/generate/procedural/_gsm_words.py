"""What every gsm_word_problem story uses: the types, people (with their pronouns),
friends, and small money, plural and divisor helpers."""

from __future__ import annotations

Person = tuple[str, str, str, str, str, str, str]  # name, she, her, her (poss.), She, Her, herself
Story = tuple[str, list[str], str, str]  # question, lines, answer, an intermediate value

GIRLS = ("Ava", "Chloe", "Emma", "Farah", "Hana", "Jade", "Lena", "Nora", "Priya", "Rosa",
         "Uma", "Wen", "Ximena", "Zoe", "Mia", "Olivia", "Aisha", "Carmen", "Elif", "Grace",
         "Imani", "Sofia", "Keiko", "Maya", "Leila", "Ingrid", "Fatima", "Bella", "Tara",
         "Yara", "Amara", "Nadia", "Ruby", "Eva", "Lucia")
BOYS = ("Ben", "Diego", "George", "Ivan", "Kofi", "Mateo", "Omar", "Quinn", "Sam", "Tariq",
        "Victor", "Yusuf", "Liam", "Noah", "Bruno", "Dmitri", "Felix", "Hiro", "Jonas",
        "Kwame", "Luca", "Marco", "Nikhil", "Oscar", "Pablo", "Rafael", "Stefan", "Tomas",
        "Arjun", "Emil", "Hugo", "Jamal", "Leo", "Max", "Ravi")
PEOPLE: tuple[Person, ...] = (
    *((n, "she", "her", "her", "She", "Her", "herself") for n in GIRLS),
    *((n, "he", "him", "his", "He", "His", "himself") for n in BOYS))
FRIENDS = ("friend", "sister", "brother", "cousin", "neighbour", "classmate", "roommate")


def _m(cents: int) -> str:
    q, r = divmod(cents, 100)
    return f"${q}" if r == 0 else f"${q}.{r:02d}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _divisors(n: int, lo: int, hi: int) -> list[int]:
    return [d for d in range(lo, min(hi, n - 1) + 1) if n % d == 0]
