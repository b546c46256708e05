#!/usr/bin/env python3
"""Self-test of scripts/eval_coref.py: the coreference metrics against the values of the CoNLL
reference scorer's test suite (conll/reference-coreference-scorers, test/CorefMetricTestConfig.pm,
cases A1-A6, A10, A11 with the key {a} {b c} {d e f}, responses as in test/TestCases.README) and the
worked example of Pradhan et al. (2014, ACL, "Scoring coreference partitions of predicted
mentions"); the Kuhn-Munkres assignment against brute force; CEAF-e's per-component alignment
against one dense alignment; the ECB+ conversion, gold clusters and mention matching on a small
hand-made document.

    python3 scripts/test_eval_coref.py        (or: python3 scripts/eval_coref.py --self-test)
"""
import itertools
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_coref as ec  # noqa: E402


def parts(spec):
    """'a | b c | d e f' -> [{'a'}, {'b', 'c'}, {'d', 'e', 'f'}]"""
    return [set(p.split()) for p in spec.split("|") if p.split()]


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


KEY_A = "a | b c | d e f"
# id: (response, {metric: (recall, precision)}); F1 is checked as the harmonic mean, and against
# the F1 the reference configuration states where it states one exactly.
CASES_A = {
    "A1": ("a | b c | d e f", {"muc": (1, 1), "b3": (1, 1), "ceafe": (1, 1)}),
    "A2": ("a | d e", {"muc": (1 / 3, 1), "b3": (7 / 18, 1), "ceafe": (0.6, 0.9)}),
    "A3": ("a | b c x | d e f y | z",
           {"muc": (1, 3 / 5), "b3": (1, (4 + 7 / 12) / 9),
            "ceafe": ((1 + 4 / 5 + 6 / 7) / 3, (1 + 4 / 5 + 6 / 7) / 4)}),
    "A4": ("a | b c x | d y | z",
           {"muc": (1 / 3, 1 / 3), "b3": ((3 + 1 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7),
            "ceafe": ((1 + 4 / 5 + 2 / 5) / 3, (1 + 4 / 5 + 2 / 5) / 4)}),
    "A5": ("a | b c x B | d y | z",
           {"muc": (1 / 3, 1 / 4), "b3": ((3 + 1 / 3) / 6, 2.5 / 8),
            "ceafe": ((1 + 4 / 6 + 2 / 5) / 3, (1 + 4 / 6 + 2 / 5) / 4)}),
    "A6": ("a | b c x | d y | B z",
           {"muc": (1 / 3, 1 / 4), "b3": ((10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 8),
            "ceafe": ((1 + 4 / 5 + 2 / 5) / 3, (1 + 4 / 5 + 2 / 5) / 4)}),
    "A10": ("a | b | c | d | e | f", {"muc": (0, 0), "b3": (3 / 6, 1)}),
    "A11": ("a b c d e f", {"muc": (1, 3 / 5), "b3": (1, (1 / 6 + 2 * 2 / 6 + 3 * 3 / 6) / 6)}),
}
STATED_F1 = {("A2", "muc"): 0.5, ("A2", "b3"): 14 / 25, ("A2", "ceafe"): 0.72, ("A3", "muc"): 0.75,
             ("A3", "b3"): 110 / 163, ("A3", "ceafe"): 0.75918, ("A4", "ceafe"): 0.62857,
             ("A5", "muc"): 2 / 7, ("A5", "ceafe"): 0.59048, ("A10", "b3"): 2 / 3, ("A11", "muc"): 6 / 8,
             ("A11", "b3"): 14 / 25}
METRICS = {"muc": ec.muc, "b3": ec.b3, "ceafe": ec.ceafe}


class ReferenceScorerCases(unittest.TestCase):
    def test_reference_cases(self):
        key = parts(KEY_A)
        for cid, (resp, expected) in CASES_A.items():
            for m, (r, p) in expected.items():
                with self.subTest(case=cid, metric=m):
                    got = METRICS[m](key, parts(resp))
                    self.assertAlmostEqual(got[0], r, places=9)
                    self.assertAlmostEqual(got[1], p, places=9)
                    self.assertAlmostEqual(got[2], f1(p, r), places=9)
                    if (cid, m) in STATED_F1:
                        self.assertAlmostEqual(got[2], STATED_F1[cid, m], places=4)

    def test_pradhan_2014_example(self):
        # key {a b c} {d e f g}; response {a b} {c d} {f g h i}
        key, resp = parts("a b c | d e f g"), parts("a b | c d | f g h i")
        self.assertAlmostEqual(ec.muc(key, resp)[0], 0.4)
        self.assertAlmostEqual(ec.muc(key, resp)[1], 0.4)
        self.assertAlmostEqual(ec.b3(key, resp)[0], 35 / 84)   # (4/3 + 1/3 + 1/4 + 1) / 7
        self.assertAlmostEqual(ec.b3(key, resp)[1], 0.5)      # (2 + 1 + 1) / 8
        self.assertAlmostEqual(ec.ceafe(key, resp)[0], 0.65)  # (0.8 + 0.5) / 2
        self.assertAlmostEqual(ec.ceafe(key, resp)[1], 1.3 / 3)

    def test_muc_is_symmetric(self):
        rng = random.Random(7)
        for _ in range(200):
            k, r = random_partition(rng), random_partition(rng)
            a, b = ec.muc(k, r), ec.muc(r, k)
            self.assertAlmostEqual(a[0], b[1])
            self.assertAlmostEqual(a[1], b[0])

    def test_perfect_and_empty(self):
        key = parts("a b | c d e")
        for m in METRICS.values():
            self.assertEqual(m(key, key)[2], 1.0)
            self.assertEqual(m(key, [])[2], 0.0)
            self.assertEqual(m([], key)[2], 0.0)


def random_partition(rng, universe="abcdefghijkl"):
    ms = [m for m in universe if rng.random() < 0.7]
    rng.shuffle(ms)
    out, i = [], 0
    while i < len(ms):
        n = rng.randint(1, 4)
        out.append(set(ms[i:i + n]))
        i += n
    return out


class Assignment(unittest.TestCase):
    def test_against_brute_force(self):
        rng = random.Random(1)
        for _ in range(300):
            n, m = rng.randint(1, 6), rng.randint(1, 6)
            sim = [[rng.choice([0, 0, rng.random(), 1 / rng.randint(1, 5)]) for _ in range(m)] for _ in range(n)]
            best = 0.0
            if n <= m:
                for cols in itertools.permutations(range(m), n):
                    best = max(best, sum(sim[i][j] for i, j in enumerate(cols)))
            else:
                for rows in itertools.permutations(range(n), m):
                    best = max(best, sum(sim[i][j] for j, i in enumerate(rows)))
            self.assertAlmostEqual(ec.max_similarity_alignment(sim), best, places=9)

    def test_assignment_is_a_matching(self):
        cols = ec.assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
        self.assertEqual(sorted(cols), [0, 1, 2])
        self.assertEqual(sum([[4, 1, 3], [2, 0, 5], [3, 2, 2]][i][j] for i, j in enumerate(cols)), 5)

    def test_ceafe_components_equal_dense(self):
        rng = random.Random(3)
        for _ in range(200):
            k, r = random_partition(rng), random_partition(rng)
            if not k or not r:
                continue
            sim = [[2 * len(a & b) / (len(a) + len(b)) for b in r] for a in k]
            total = ec.max_similarity_alignment(sim)
            got = ec.ceafe(k, r)
            self.assertAlmostEqual(got[0], total / len(k), places=9)
            self.assertAlmostEqual(got[1], total / len(r), places=9)


class Singletons(unittest.TestCase):
    def test_removed_on_both_sides(self):
        key = {"a": 1, "b": 1, "c": 2, "d": 3}
        resp = {"a": "x", "b": "x", "c": "x", "e": "y"}
        s = ec.conll_scores(key, resp)
        self.assertEqual(s["clusters"], (1, 1))
        self.assertEqual(s["mentions"], (2, 3))
        self.assertAlmostEqual(s["muc"][0], 1)
        self.assertAlmostEqual(s["muc"][1], 1 / 2)
        self.assertAlmostEqual(s["conll"], (s["muc"][2] + s["b3"][2] + s["ceafe"][2]) / 3)


DOC = b"""<Document doc_name="9_1ecb.xml" doc_id="X">
<token t_id="1" sentence="0" number="0">Acme</token>
<token t_id="2" sentence="0" number="1">Corp</token>
<token t_id="3" sentence="0" number="2">fired</token>
<token t_id="4" sentence="0" number="3">John</token>
<token t_id="5" sentence="0" number="4">Smith</token>
<token t_id="6" sentence="0" number="5">.</token>
<token t_id="7" sentence="1" number="0">The</token>
<token t_id="8" sentence="1" number="1">company</token>
<token t_id="9" sentence="1" number="2">said</token>
<token t_id="10" sentence="1" number="3">he</token>
<token t_id="11" sentence="1" number="4">left</token>
<token t_id="12" sentence="2" number="0">Smith</token>
<token t_id="13" sentence="2" number="1">quit</token>
<Markables>
<HUMAN_PART_ORG m_id="1"><token_anchor t_id="1"/><token_anchor t_id="2"/></HUMAN_PART_ORG>
<ACTION_OCCURRENCE m_id="2"><token_anchor t_id="3"/></ACTION_OCCURRENCE>
<HUMAN_PART_PER m_id="3"><token_anchor t_id="4"/><token_anchor t_id="5"/></HUMAN_PART_PER>
<HUMAN_PART_ORG m_id="4"><token_anchor t_id="7"/><token_anchor t_id="8"/></HUMAN_PART_ORG>
<ACTION_REPORTING m_id="5"><token_anchor t_id="9"/></ACTION_REPORTING>
<HUMAN_PART_PER m_id="6"><token_anchor t_id="10"/></HUMAN_PART_PER>
<ACTION_OCCURRENCE m_id="7"><token_anchor t_id="11"/></ACTION_OCCURRENCE>
<HUMAN_PART_PER m_id="8"><token_anchor t_id="12"/></HUMAN_PART_PER>
<TIME_DATE m_id="9"><token_anchor t_id="6"/></TIME_DATE>
<HUMAN_PART_PER m_id="20" RELATED_TO="" TAG_DESCRIPTOR="t9_smith" instance_id="HUM1" />
<ACTION_OCCURRENCE m_id="21" RELATED_TO="" TAG_DESCRIPTOR="t9_firing" instance_id="ACT1" />
<HUMAN_PART_ORG m_id="22" RELATED_TO="" TAG_DESCRIPTOR="acme" />
</Markables>
<Relations>
<CROSS_DOC_COREF r_id="1" note="HUM1"><source m_id="3"/><source m_id="6"/><target m_id="20"/></CROSS_DOC_COREF>
<CROSS_DOC_COREF r_id="2" note="ACT1"><source m_id="2"/><source m_id="7"/><target m_id="21"/></CROSS_DOC_COREF>
<INTRA_DOC_COREF r_id="3"><source m_id="1"/><source m_id="4"/><target m_id="22"/></INTRA_DOC_COREF>
</Relations>
</Document>
"""


class Conversion(unittest.TestCase):
    def setUp(self):
        self.doc = ec.Doc("9_1ecb", 9, DOC, {0, 1})

    def test_text_and_char_map(self):
        d = self.doc
        self.assertEqual(d.text, "Acme Corp fired John Smith .\n\nThe company said he left\n\nSmith quit\n")
        for tid, word in (("2", "Corp"), ("8", "company"), ("12", "Smith")):
            s, e, _ = d.tok[tid]
            self.assertEqual(d.text[s:e], word)
        self.assertEqual(d.sentence_at(d.text.index("company")), 1)
        self.assertEqual(d.sentence_at(d.text.index("quit")), 2)

    def test_gold(self):
        d = self.doc
        ent = {g[0]: g[3] for g in d.gold["entities"]}
        ev = {g[0]: g[3] for g in d.gold["events"]}
        # sentence 2 is not annotated: m 8 left out; the TIME mention is no entity
        self.assertEqual(set(ent), {"1", "3", "4", "6"})
        self.assertEqual(set(ev), {"2", "5", "7"})
        self.assertEqual(ent["3"], ent["6"])
        self.assertEqual(ent["1"], ent["4"])
        self.assertNotEqual(ent["1"], ent["3"])
        self.assertEqual(ev["2"], ev["7"])
        self.assertTrue(ev["5"].startswith("S:"))
        self.assertEqual(d.outside["entities"], 1)

    def test_matching_and_scores(self):
        d = self.doc
        t = d.text
        sys_ent = [
            (t.index("Acme"), t.index("Acme") + 9, "Acme Corp", "org:acme", "acme corp", {}),
            (t.index("John"), t.index("John") + 10, "John Smith", "per:john-smith", "john smith", {}),
            (t.index("company"), t.index("company") + 7, "company", "org:acme", "company", {}),
            (t.index("he left"), t.index("he left") + 2, "he", "per:john-smith", "he", {}),
            (t.index("Smith quit"), t.index("Smith quit") + 5, "Smith", "per:john-smith", "smith", {}),
        ]
        sysm = {"entities": {d.name: sys_ent}, "events": {}}
        r = ec.evaluate([d], sysm, "entities")
        self.assertEqual(r["counts"], (4, 4, 4))     # the mention in sentence 2 is outside the region
        self.assertEqual(r["system"]["conll"], 1.0)
        self.assertLess(r["floor"]["conll"], 1.0)    # every text differs: the floor has no cluster
        self.assertEqual(r["floor"]["clusters"], (2, 0))

    def test_one_to_one(self):
        d = self.doc
        t = d.text
        # one span covering both "Acme Corp" and "fired John": it takes Acme Corp (2 tokens, first)
        big = (0, t.index("John") + 4, "Acme Corp fired John", "x", "x", {})
        small = (t.index("Smith"), t.index("Smith") + 5, "Smith", "y", "y", {})
        m = ec.match_doc(d, d.gold["entities"], [big, small])
        self.assertEqual(d.gold["entities"][m[0]][0], "1")
        self.assertEqual(d.gold["entities"][m[1]][0], "3")


if __name__ == "__main__":
    unittest.main()
