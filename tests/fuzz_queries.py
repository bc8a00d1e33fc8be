"""A seeded generator of SPARQL-ish text for fuzzing the query path (helpers, not tests): mostly
well-formed queries of every form and clause, then mutated (spans cut, doubled or spliced with hostile
characters: braces, quotes, comments ended by a carriage return, codepoint escapes, control and bidi
characters); and a few deep nests and long chains."""

from __future__ import annotations

import random

VARS = ["?s", "?p", "?o", "?x", "?label", "$n"]
IRIS = ["<https://w3id.org/exportkg/id/gallium>", "<http://example.org/a>", "ekg:Material", "ekgr:germanium",
        "rdfs:label", "rdf:type", "a", "foo:undefined", "<>", "<rel>", ":empty"]
LITERALS = ['"gallium"', "'x'@en", '"3"^^xsd:integer', "42", "-1.5e3", "true", '"""long\nstring"""',
            '"esc\\"aped\\u0041"', "'\\U0001F600'", '"\\\\"', '""', "'镓'@zh"]
FUNCTIONS = ["STR", "LANG", "STRLEN", "UCASE", "LCASE", "isIRI", "isLiteral", "DATATYPE", "ABS", "MD5", "BOUND"]
BINARY = ["=", "!=", "<", ">=", "&&", "||", "+", "-", "*", "/"]
PATHS = ["rdfs:label", "ekg:feedsInto+", "^rdf:type", "(ekg:feedsInto|ekg:usedIn)*", "!rdf:type",
         "ekg:processedInto/ekg:componentOf?", "<http://example.org/p>"]
HOSTILE = ["{", "}", "(", ")", "[", "]", '"', "'", "#", "\r", "\n", "\\u0053", "\\", "<", ">", ";", ".", ",",
           "\x00", "\x1b", "\u202e", "\ufeff", "INSERT", "PREFIX", ":", "?", "$", "^^", "@", "镓",
           "\U0001f600", "\t", "*", "+", "|", "/", "!", "_:b", "'''", '"""', "FILTER(", "UNION", "GRAPH"]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def pick(self, items: list[str]) -> str:
        return self.rnd.choice(items)

    def term(self, kind: str = "any") -> str:
        roll = self.rnd.random()
        if kind == "subject" or roll < 0.45:
            return self.pick(VARS) if roll < 0.6 else self.pick(IRIS)
        return self.pick(LITERALS) if roll < 0.8 else self.pick(IRIS)

    def expr(self, depth: int) -> str:
        roll = self.rnd.random()
        if depth <= 0 or roll < 0.35:
            return self.term()
        if roll < 0.65:
            return f"({self.expr(depth - 1)} {self.pick(BINARY)} {self.expr(depth - 1)})"
        if roll < 0.85:
            return f"{self.pick(FUNCTIONS)}({self.expr(depth - 1)})"
        if roll < 0.93:
            return f"REGEX(STR({self.pick(VARS)}), {self.pick(LITERALS)}, 'i')"
        return f"EXISTS {{ {self.triple()} }}"

    def triple(self) -> str:
        predicate = self.pick(PATHS) if self.rnd.random() < 0.3 else self.term("subject")
        return f"{self.term('subject')} {predicate} {self.term()} ."

    def group(self, depth: int) -> str:
        parts = [self.triple() for _ in range(self.rnd.randint(0, 2))]
        for _ in range(self.rnd.randint(0, 2)):
            parts.append(self.clause(depth))
        return "{ " + " ".join(parts) + " }"

    def clause(self, depth: int) -> str:
        if depth <= 0:
            return self.triple()
        choices = [
            lambda: f"FILTER({self.expr(2)})",
            lambda: f"OPTIONAL {self.group(depth - 1)}",
            lambda: f"{self.group(depth - 1)} UNION {self.group(depth - 1)}",
            lambda: f"MINUS {self.group(depth - 1)}",
            lambda: f"BIND({self.expr(2)} AS ?b{self.rnd.randint(0, 9)})",
            lambda: f"VALUES {self.pick(VARS)} {{ {self.term()} {self.term()} }}",
            lambda: f"GRAPH {self.pick(VARS)} {self.group(depth - 1)}",
            lambda: f"{{ SELECT * WHERE {self.group(depth - 1)} LIMIT 3 }}",
            lambda: f"SERVICE <http://127.0.0.1:9/sparql> {self.group(0)}",
        ]
        weights = [4, 3, 2, 1, 2, 2, 1, 1, 0.02]  # SERVICE is rare: its check parses with rdflib
        return self.rnd.choices(choices, weights)[0]()

    def query(self) -> str:
        prologue = "PREFIX ex: <http://example.org/> " if self.rnd.random() < 0.2 else ""
        where = self.group(3)
        form = self.rnd.choices([
            lambda: f"SELECT {' '.join(self.rnd.sample(VARS, 2))} WHERE {where}",
            lambda: f"SELECT * WHERE {where}",
            lambda: f"SELECT (COUNT(*) AS ?n) WHERE {where} GROUP BY ?s HAVING (COUNT(*) > 0)",
            lambda: f"ASK {where}",
            lambda: f"CONSTRUCT {{ {self.pick(VARS)} rdfs:label {self.pick(VARS)} }} WHERE {where}",
            lambda: f"DESCRIBE {self.term('subject')}",
            lambda: f"INSERT DATA {{ {self.triple()} }}",
        ], [5, 3, 2, 2, 2, 1, 0.3])[0]()
        tail = self.pick(["", " LIMIT 5", " ORDER BY ?s", " OFFSET 1 LIMIT 2", f" # trailing{self.pick(HOSTILE)}"])
        return prologue + form + tail

    def mutate(self, text: str) -> str:
        for _ in range(self.rnd.randint(1, 3)):
            at = self.rnd.randint(0, len(text))
            roll = self.rnd.random()
            if roll < 0.35:
                text = text[:at] + text[at + self.rnd.randint(1, 12):]
            elif roll < 0.8:
                text = text[:at] + self.pick(HOSTILE) + text[at:]
            elif roll < 0.9:
                text = text[:at] + text[at:at + 20] * 2 + text[at + 20:]
            else:
                text = text[:at]
        return text

    def one(self) -> str:
        text = self.query()
        return self.mutate(text) if self.rnd.random() < 0.4 else text


def queries(count: int, seed: int = 13) -> list[str]:
    gen = Generator(seed)
    return [gen.one() for _ in range(count)]


def deep() -> list[str]:
    """Nests and chains deep enough to overflow a parser's stack, balanced or not."""
    return [text for n in (50, 500, 3000, 30000) for text in (
        "SELECT * WHERE " + "{" * n + "}" * n,
        "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }",
        "SELECT * WHERE { FILTER(" + "+".join(["1"] * n) + ") }",
        "SELECT * WHERE " + "{" * n,
    )]
