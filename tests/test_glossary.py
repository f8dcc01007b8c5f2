"""Static checks of the course glossary, lessons/glossary.md (no notebook is run).

Format of an entry, which these tests rely on:

    ### Term (other name; other name)
    Definition in plain words, 1–3 sentences.\
    *In the course:* [lesson 04](04_fine_tuning.ipynb) (section 6, ...); [lesson 05](05_domain_adaptation.ipynb)

or, for a term no lesson covers, `*In the course:* not measured in this course.`
"""

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
GLOSSARY = LESSONS_DIR / "glossary.md"

HEADING = re.compile(r"^### (?P<name>[^()]+?)(?: \((?P<aliases>[^()]+)\))?\s*$")
LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]*)\)")
MARKER = "*In the course:*"
NOT_MEASURED = "not measured in this course"
MIN_WORDS, MAX_WORDS = 8, 90
MAX_LINES = 450

# The terms the course's issue asks for, and the glossary terms of the source articles
# (shared/seeds): each must be the name or a declared other name of an entry.
REQUIRED = [
    # the list
    "backbone", "head", "frozen", "linear probe", "augmentation", "early stopping", "domain", "source", "target",
    "domain adaptation", "A-distance", "MMD", "IWCV", "effective sample size", "Kendall τ", "fine-tuning",
    "feature extraction", "negative transfer", "pseudo-labels", "semi-supervised learning",
    "self-supervised learning", "multi-task learning", "catastrophic forgetting", "learning without forgetting",
    "stacking", "zero-shot", "calibration", "ECE", "temperature scaling", "precision", "recall", "F1",
    "occlusion map", "quantisation", "TorchScript", "ONNX", "shift monitor", "dataset shift", "LogME", "LEEP",
    "H-score", "AdaBN", "CORAL", "DANN", "discriminative learning rates", "gradual unfreezing", "LP-FT",
    "BatchNorm", "dropout", "embedding", "sentence encoder", "TF-IDF",
    # the glossary section of the source articles
    "transfer learning", "pre-trained model", "generalization", "task transfer", "data augmentation",
    "transferability", "model deployment", "model evaluation", "model training",
    # terms the articles define in running text
    "supervised learning", "unsupervised learning", "reinforcement learning", "domain shift",
    "progressive neural network", "model stacking", "overfitting", "loss function", "gradient descent",
    "validation set", "test set", "hyperparameter", "dimensionality reduction", "clustering", "anomaly detection",
    "classification", "regression", "global average pooling", "softmax", "MobileNetV2", "BERT", "GPT",
    "ImageNet", "interpretability", "convergence", "data efficiency",
]

# Words the lessons use for a term where they never spell out its name or a declared other name
# (searched for in addition to them when checking a link).
EXTRA_SPELLINGS = {
    "kendall τ": ["kendall"],                      # the lessons write "Kendall's τ"
    "generalisation": ["unseen", "overfitting"],   # measured as accuracy on unseen data, never named
    "task transfer": ["source task", "target task", "task mismatch"],
}


def norm(text):
    """Case-folded, one kind of apostrophe, hyphens dropped, whitespace collapsed ('pre-trained' = 'pretrained')."""
    text = text.casefold().replace("\u2019", "'").replace("-", "")
    return re.sub(r"\s+", " ", text)


def sort_key(name):
    return re.sub(r"[^\w ]", "", name.casefold())


def parse(text):
    """The glossary's entries, in file order: dicts with name, aliases, definition, where (the marker line), line."""
    entries, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            match = HEADING.match(line)
            if match and line.startswith("### "):
                aliases = [a.strip() for a in (match["aliases"] or "").split(";") if a.strip()]
                current = {"name": match["name"].strip(), "aliases": aliases, "body": [], "line": number}
                entries.append(current)
                continue
            assert current is None, f"glossary.md:{number}: only '### Term (aliases)' headings after the first entry"
            continue
        if current is not None:
            current["body"].append(line)
    for entry in entries:
        where = [line for line in entry["body"] if line.startswith(MARKER)]
        entry["where"] = where
        entry["definition"] = " ".join(
            line.strip().rstrip("\\") for line in entry["body"] if line.strip() and not line.startswith(MARKER))
    return entries


@lru_cache(maxsize=None)
def lesson_text(filename):
    """The prose of a lesson: its markdown cells, normalised."""
    nb = json.loads((LESSONS_DIR / filename).read_text(encoding="utf-8"))
    return norm("\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"))


def mentions(text, spelling):
    return re.search(r"(?<!\w)" + re.escape(norm(spelling)), text) is not None


TEXT = GLOSSARY.read_text(encoding="utf-8")
ENTRIES = parse(TEXT)


def entry_id(entry):
    return entry["name"]


def spellings(entry):
    return [entry["name"], *entry["aliases"], *EXTRA_SPELLINGS.get(entry["name"].casefold(), [])]


def test_glossary_has_entries_and_is_short():
    assert len(ENTRIES) >= 60, f"only {len(ENTRIES)} entries"
    assert len(TEXT.splitlines()) <= MAX_LINES
    intro = TEXT.split("\n### ", 1)[0]
    assert len(intro.split()) >= 40 and "how to use" in intro.casefold(), "start with an intro and how to use it"


def test_names_are_unique():
    seen = {}
    for entry in ENTRIES:
        for spelling in (entry["name"], *entry["aliases"]):
            key = norm(spelling)
            assert key not in seen, f"{spelling!r} is declared by {seen[key]!r} and {entry['name']!r}"
            seen[key] = entry["name"]


@pytest.mark.parametrize("term", REQUIRED)
def test_required_term_has_an_entry(term):
    declared = {norm(s) for entry in ENTRIES for s in (entry["name"], *entry["aliases"])}
    assert norm(term) in declared, f"no '### {term}' entry (nor an entry declaring it in brackets)"


def test_entries_are_alphabetical():
    names = [entry["name"] for entry in ENTRIES]
    wrong = [(a, b) for a, b in zip(names, names[1:]) if sort_key(a) > sort_key(b)]
    assert not wrong, f"out of order (case-insensitive, punctuation ignored): {wrong}"


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_entry_has_a_definition_and_a_place(entry):
    words = len(entry["definition"].split())
    assert MIN_WORDS <= words <= MAX_WORDS, f"{entry['name']}: definition of {words} words"
    assert len(entry["where"]) == 1, f"{entry['name']}: needs exactly one '{MARKER}' line"
    where = entry["where"][0]
    links = [m["target"] for m in LINK.finditer(where) if m["target"].endswith(".ipynb")]
    not_measured = NOT_MEASURED in where
    assert links or not_measured, f"{entry['name']}: link a lesson or say '{NOT_MEASURED}'"
    assert not (links and not_measured), f"{entry['name']}: links a lesson yet says '{NOT_MEASURED}'"


def test_every_notebook_link_points_at_a_lesson():
    targets = [m["target"] for m in LINK.finditer(TEXT) if ".ipynb" in m["target"]]
    assert targets
    for target in targets:
        assert "/" not in target and "#" not in target, f"{target}: a plain file name in lessons/, no anchors"
        assert (LESSONS_DIR / target).is_file(), f"{target} is not a lesson notebook"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e["where"] and ".ipynb" in e["where"][0]], ids=entry_id)
def test_linked_lessons_mention_the_term(entry):
    for target in {m["target"] for m in LINK.finditer(entry["where"][0]) if m["target"].endswith(".ipynb")}:
        if not (LESSONS_DIR / target).is_file():
            continue  # reported by test_every_notebook_link_points_at_a_lesson
        text = lesson_text(target)
        assert any(mentions(text, s) for s in spellings(entry)), (
            f"{entry['name']}: {target} never mentions any of {spellings(entry)}")


def test_the_checks_can_fail():
    """The parser and the checks catch a broken entry: wrong order, no place, a lesson that never names the term."""
    broken = parse("### Zebra (zebras)\nA striped animal that no lesson of this course talks about.\\\n"
                   "*In the course:* [lesson 04](04_fine_tuning.ipynb)\n\n### Apple\nToo short.\n")
    assert [e["name"] for e in broken] == ["Zebra", "Apple"] and sort_key("Zebra") > sort_key("Apple")
    assert broken[0]["aliases"] == ["zebras"]
    assert not any(mentions(lesson_text("04_fine_tuning.ipynb"), s) for s in spellings(broken[0]))
    assert broken[1]["where"] == [] and len(broken[1]["definition"].split()) < MIN_WORDS
