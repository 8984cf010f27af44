"""Word lists for the logic, string and list families (syllogism, knights_knaves, sort_words,
count_chars, reverse_text, dedupe_list, string_case): common English words, first names,
plural category terms, made-up terms, and a tiny sentence maker. Built once at import."""

from __future__ import annotations

import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


NOUNS = _words("""
apple arrow artist autumn baby bag baker ball balloon banana band bank barn basket bath beach
bean bear bed bee bell belt bench bicycle bird blanket boat body bone book boot bottle bowl box
boy branch bread brick bridge brother brush bucket bug building bus butter button cabin cake
camel camera camp candle candy canoe cap car card carpet carrot castle cat cave chair chalk
cheese cherry chicken child church circle city clock cloud coat coffee coin collar comb
computer cook corn cotton cousin cow crab crayon cream crow crown cup curtain cushion daisy
dancer desk diamond dinner doctor dog doll dolphin donkey door dragon drawer dream dress drum
duck eagle earth egg elbow elephant engine eye face farm farmer father feather fence field
finger fire fish flag flower fog foot forest fork fountain fox friend frog fruit garden gate
ghost gift girl glass glove goat grape grass guitar hair hammer hand harbor hat hawk heart hill
horse hospital house island jacket jar jelly jewel kettle key kitchen kite kitten knee knife
ladder lake lamp leaf lemon letter library lion lizard lock machine map market meadow milk
mirror monkey moon morning mother mountain mouse mouth museum nail needle nest night nose
notebook ocean office onion owl paint palace pan paper parrot path peach pear pencil penguin
pepper piano picture pig pillow pilot pine pipe planet plant plate pocket pond potato puppy
queen rabbit radio rain river road robot rock roof room rope rose sail salt sand school sea
seed shadow sheep shelf shell ship shirt shoe shop singer sister sky snail snake snow soap
sock soup spider spoon squirrel stair star station stone storm stove street string sugar
summer sun swan table tail teacher tent thread tiger toast tomato tongue tooth towel tower town
toy tractor train tree truck tulip turtle umbrella valley vase village violin wagon wall wallet
water whale wheel window wind wing winter wolf wood worm yard zebra anchor badge beetle blossom
cactus canal cliff copper desert feast ferry gravel helmet insect ladle lantern marble meteor
mitten orchard oven paddle pebble pirate puddle quilt ribbon saddle sailor scarf shovel spring
sponge statue sword temple thunder ticket tunnel velvet wizard
""")

ADJECTIVES = _words("""
able angry bitter black blue bold brave bright broad brown busy calm careful cheap clean clever
cold cool crisp curly damp dark deep dry dusty eager early easy empty fair fancy fast fierce flat
fresh friendly full funny gentle glad golden good grand gray great green happy hard heavy hollow
honest hot huge humble hungry icy jolly kind large late lazy little lively lonely long loud
lucky mighty mild modern narrow neat new nice noisy odd old pale plain polite poor proud purple
quick quiet rapid rare red rich rough round rusty sad salty sharp shiny short shy silent silly
simple slow small smart smooth soft sour spicy steep sticky strange strong sunny sweet swift
tall tame tidy tiny tough warm weak wet white wide wild wise wooden yellow young
""")

VERBS_PAST = _words("""
asked baked borrowed built carried chased cleaned climbed closed cooked counted crossed danced
drew dropped filled fixed folded followed found gathered grabbed guarded helped hid jumped
kicked kept lifted liked moved needed opened packed painted passed picked planted played pulled
pushed reached saw showed sold sorted spotted started stopped studied touched tossed visited
wanted washed watched wrapped wrote admired bought caught fed held met noticed pointed rolled
shared threw waved
""")

PREPOSITIONS = ("near", "under", "over", "behind", "beside", "past", "around", "across", "into",
                "toward", "inside", "along", "beyond", "below", "above")

# verbs and nouns that make program identifiers (get_user_name, parseHttpResponse)
CODE_VERBS = _words("""
get set load save parse build fetch send read write open close find sort count check update
delete create render format print merge split filter compute convert handle process start stop
reset clear apply validate enable disable move copy show hide add remove insert select search
scan track draw fill init run test encode decode compare collect
""")

CODE_NOUNS = _words("""
user name file path index value item list table row column cache buffer config error event
request response message order price total score level date time size length width height color
image page node tree graph key token stream queue stack session account record field query
result status code version limit offset count number label title header footer button window
input output source target server client socket packet report summary payload channel
""")

COMMON_WORDS = tuple(dict.fromkeys(
    w for w in NOUNS + ADJECTIVES + VERBS_PAST + CODE_VERBS + CODE_NOUNS if len(w) >= 3))

NAMES = _words("""
Alice Bob Carol David Emma Frank Grace Henry Irene Jack Karen Leo Maria Nora Oscar Paula Quinn
Rachel Sam Tara Umar Vera Walter Xena Yusuf Zoe Aaron Bella Caleb Diana Ethan Fiona George
Hannah Isaac Julia Kevin Laura Mason Nina Owen Priya Ryan Sofia Thomas Uma Victor Wendy Yara
Zach Adam Beth Chloe Daniel Elena Felix Gina Hugo Ivy James Kira Liam Mia Noah Olga Peter Rosa
Simon Tina Ursula Vince Will Amir Bianca Cyrus Delia Edgar Flora Gavin Helen Ian Jasmine Kai
Lena Marco Nadia Omar Pablo Rita Sean Tessa Alan Brenda Connor Dora Eli Faith Glen Hazel Igor
Joel Kate Lucas Mona Neil Opal Perry Ruth Seth Theo Ada Boris Cleo Dean Erin Fred Greta Hank Iris
Jonas Kurt Lily Max Nell Otto Pia Rex Sara Ted Vlad Wanda Anna Ben Clara Dylan Eva Finn Hugh
Ines Jane Karl Lola Milo Nico Rhea Toby Luis Maya Ravi Sana Tom Wade Yuki
""")

# plural category terms for syllogisms ("All painters are ...")
CATEGORIES = _words("""
animals mammals birds reptiles insects dogs cats horses cows sheep wolves lions tigers eagles
owls parrots penguins snakes lizards frogs spiders bees ants whales dolphins sharks pets
predators herbivores carnivores swimmers climbers runners hunters artists painters poets
musicians singers dancers actors writers teachers students doctors nurses lawyers judges
bakers farmers pilots sailors soldiers athletes golfers engineers scientists chemists dentists
plumbers carpenters gardeners chefs waiters drivers cyclists readers voters citizens parents
grandparents neighbors strangers tourists travelers kings queens wizards dragons robots
machines cars trucks bicycles boats ships planes trains vehicles tools hammers books novels
poems songs paintings statues buildings houses towers bridges castles cities towns villages
islands mountains rivers lakes forests flowers roses tulips trees oaks pines plants fruits
apples oranges bananas vegetables carrots potatoes metals stones diamonds jewels coins shapes
triangles circles planets stars moons comets liquids clouds storms games puzzles sports
holidays languages computers phones gadgets toys dolls kites balloons philosophers inventors
mathematicians librarians bankers merchants pirates knights monks gamblers collectors
jugglers magicians clowns acrobats vegetarians swimmers skiers surfers hikers campers
""") + ("chess players", "prime numbers", "even numbers", "red things", "heavy objects",
        "sweet foods", "wooden toys", "early risers", "night owls", "city dwellers")

_ONSETS = ("b", "bl", "br", "d", "dr", "f", "fl", "g", "gl", "gr", "k", "l", "m", "n", "p", "pl",
           "pr", "r", "s", "sn", "sp", "st", "t", "tr", "v", "w", "z", "zh")
_VOWELS = ("a", "e", "i", "o", "u", "oo", "ee", "ai")
_CODAS = ("b", "d", "g", "k", "m", "n", "p", "t", "x", "nk", "mp", "rp", "sh", "ll", "rk", "zz")

_REAL = frozenset(CATEGORIES) | {n + "s" for n in NOUNS} | {n + "es" for n in NOUNS}
_MIDDLES = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z")


def nonsense_term(rng: random.Random) -> str:
    """A made-up plural term for syllogisms that world knowledge cannot decide (`blorazes`)."""
    while True:
        coda = rng.choice(_CODAS)
        word = (rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_MIDDLES)
                + rng.choice(_VOWELS) + coda + ("es" if coda in ("x", "sh", "zz") else "s"))
        if word not in _REAL:
            return word


SYLLABLES = tuple(o + v for o in _ONSETS for v in _VOWELS)


def pseudo_word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word of the given number of syllables (`blorazik`)."""
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)) + rng.choice(
        ("", "", "n", "k", "t", "s", "r"))


_CLAUSES = ("tNV", "tANV", "tNVdN", "tANVdN", "tANVdAN", "tNVdNPtN", "tANVdNPtN")
_FILLERS = (("today",), ("again",), ("slowly",), ("quietly",), ("outside",), ("later",),
            ("last", "night"), ("at", "noon"), ("once", "more"), ("very", "slowly"),
            ("after", "the", "rain"), ("in", "the", "morning"), ("near", "the", "end"))


def sentence(rng: random.Random, words: int) -> list[str]:
    """`words` lowercase words that read like a sentence: "the quiet fox watched a red kite
    near the bridge and then ..." (clauses joined by and/while/so/then)."""
    out: list[str] = []
    while len(out) < words:
        rest = words - len(out)
        if rest <= 2 or (out and rest <= 3):
            out += rng.choice([f for f in _FILLERS if len(f) == rest])
            break
        left = rest - (1 if out else 0)
        if out:
            out.append(rng.choice(("and", "while", "so", "then")))
        shape = rng.choice([c for c in _CLAUSES if len(c) <= left])
        for part in shape:
            out.append("the" if part == "t" else rng.choice(
                ("the", "a", "one", "every")) if part == "d" else rng.choice(
                {"A": ADJECTIVES, "N": NOUNS, "V": VERBS_PAST, "P": PREPOSITIONS}[part]))
    return out


def shuffle(rng: random.Random, items: list) -> None:
    """Fisher-Yates with the item's rng (its randrange is cheaper than rng.shuffle)."""
    for i in range(len(items) - 1, 0, -1):
        j = rng.randrange(i + 1)
        items[i], items[j] = items[j], items[i]
