"""Adversarial student answers for exercise 10 (the capstone).

ADVERSARY: list of (question_id, expected, what, code). `code` is only what the student writes in the cell
(the function for q1/q4, the assignments for q2/q3/q5); it runs in a namespace holding everything the exercise
notebook defines before that cell. Written from the exercise and lesson notebooks and the public package code
only (no checker, test or solution was read).
"""

ADVERSARY = []


def _add(qid, expected, what, code):
    ADVERSARY.append((qid, expected, what, code.strip("\n") + "\n"))


# ══════════════════════════════════════════════════════════════════════════════════════════════════════════
# q1 · split_by_class(labels, val=0.25, test=0.25, seed=0)
# ══════════════════════════════════════════════════════════════════════════════════════════════════════════

# The correct rule, with one line swapped per mistake (so each WRONG answer differs in exactly one place).
_Q1 = r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in dict.fromkeys(y.tolist()):
        idx = rng.permutation(np.flatnonzero(y == c))
        n = len(idx)
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        parts["test"] += idx[:n_test].tolist()
        parts["val"] += idx[n_test:n_test + n_val].tolist()
        parts["train"] += idx[n_test + n_val:].tolist()
    return {s: np.array(p, dtype=np.int64) for s, p in parts.items()}
'''


def _q1(old, new):
    assert old in _Q1, old
    return _Q1.replace(old, new)


_add("10.q1", "WRONG", "rounds halves up (int(x + 0.5)) instead of round()",
     _q1("n_test = max(1, round(test * n))", "n_test = max(1, int(test * n + 0.5))")
     .replace("max(1, round(val * n))", "max(1, int(val * n + 0.5))"))
_add("10.q1", "WRONG", "math.ceil instead of round",
     _q1("n_test = max(1, round(test * n))", "n_test = max(1, int(np.ceil(test * n)))")
     .replace("max(1, round(val * n))", "max(1, int(np.ceil(val * n)))"))
_add("10.q1", "WRONG", "truncates with int() instead of round",
     _q1("n_test = max(1, round(test * n))", "n_test = max(1, int(test * n))")
     .replace("max(1, round(val * n))", "max(1, int(val * n))"))
_add("10.q1", "WRONG", "forgets the minimum of one test image",
     _q1("n_test = max(1, round(test * n))", "n_test = round(test * n)"))
_add("10.q1", "WRONG", "forgets the minimum of one validation image",
     _q1("min(max(1, round(val * n)), n - n_test - 1)", "min(round(val * n), n - n_test - 1)"))
_add("10.q1", "WRONG", "no cap n - n_test - 1 on validation: training can end up empty",
     _q1("min(max(1, round(val * n)), n - n_test - 1)", "max(1, round(val * n))"))
_add("10.q1", "WRONG", "val and test fractions swapped (test gets round(val*n) and the reverse)",
     _q1("n_test = max(1, round(test * n))", "n_test = max(1, round(val * n))")
     .replace("max(1, round(val * n))), n - n_test - 1)", "max(1, round(test * n))), n - n_test - 1)"))
_add("10.q1", "WRONG", "deterministic slice: positions of each class in order, never shuffled",
     _q1("idx = rng.permutation(np.flatnonzero(y == c))", "idx = np.flatnonzero(y == c)"))
_add("10.q1", "WRONG", "unseeded generator: a different split at every call",
     _q1("rng = np.random.default_rng(seed)", "rng = np.random.default_rng()"))
_add("10.q1", "WRONG", "ignores `seed`: always the generator of seed 0",
     _q1("rng = np.random.default_rng(seed)", "rng = np.random.default_rng(0)"))
_add("10.q1", "WRONG", "val overlaps train: training keeps everything that is not test",
     _q1('parts["train"] += idx[n_test + n_val:].tolist()', 'parts["train"] += idx[n_test:].tolist()'))
_add("10.q1", "WRONG", "off-by-one: validation slice one too long, its last image also in train",
     _q1("idx[n_test:n_test + n_val]", "idx[n_test:n_test + n_val + 1]"))
_add("10.q1", "WRONG", "returns the labels of each split instead of positions",
     _q1('return {s: np.array(p, dtype=np.int64) for s, p in parts.items()}',
         'return {s: y[np.array(p, dtype=np.int64)] for s, p in parts.items()}'))
_add("10.q1", "WRONG", "positions inside the class (0..n-1) instead of positions in `labels`",
     _q1("idx = rng.permutation(np.flatnonzero(y == c))", "idx = rng.permutation(int((y == c).sum()))"))
_add("10.q1", "WRONG", "float positions: np.concatenate onto np.array([]) turns them into floats", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    parts = {"train": np.array([]), "val": np.array([]), "test": np.array([])}
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n = len(idx)
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        parts["test"] = np.concatenate([parts["test"], idx[:n_test]])
        parts["val"] = np.concatenate([parts["val"], idx[n_test:n_test + n_val]])
        parts["train"] = np.concatenate([parts["train"], idx[n_test + n_val:]])
    return parts
''')
_add("10.q1", "WRONG", "not per class: one shuffle of all positions, a quarter of the total to val and test", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    n = len(labels)
    idx = np.random.default_rng(seed).permutation(n)
    n_test = max(1, round(test * n))
    n_val = min(max(1, round(val * n)), n - n_test - 1)
    return {"train": idx[n_test + n_val:], "val": idx[n_test:n_test + n_val], "test": idx[:n_test]}
''')
_add("10.q1", "WRONG", "list labels compared with `labels == c` without converting: every class comes out empty", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in dict.fromkeys(np.asarray(labels).tolist()):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n = len(idx)
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        parts["test"] += list(idx[:n_test])
        parts["val"] += list(idx[n_test:n_test + n_val])
        parts["train"] += list(idx[n_test + n_val:])
    return {s: np.array(p, dtype=int) for s, p in parts.items()}
''')
_add("10.q1", "WRONG", "set(labels) on a tensor: 0-d tensors hash by id, so every image is its own class", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in set(labels):
        idx = rng.permutation([i for i, l in enumerate(labels) if l == c])
        n = len(idx)
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        parts["test"] += list(idx[:n_test])
        parts["val"] += list(idx[n_test:n_test + n_val])
        parts["train"] += list(idx[n_test + n_val:])
    return {s: np.array(p, dtype=int) for s, p in parts.items()}
''')
_add("10.q1", "WRONG", "assumes integer labels 0..K-1 (np.bincount): string or other label values fail", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels).astype(int)
    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c, n in enumerate(np.bincount(y)):
        if n == 0:
            continue
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        parts["test"] += list(idx[:n_test]); parts["val"] += list(idx[n_test:n_test + n_val])
        parts["train"] += list(idx[n_test + n_val:])
    return {s: np.array(p, dtype=int) for s, p in parts.items()}
''')
_add("10.q1", "WRONG", "mutates the caller's array/tensor: relabels it 0..K-1 in place (np.asarray shares memory)",
     _q1("    y = np.asarray(labels)\n",
         "    y = np.asarray(labels)\n"
         "    if y.dtype.kind in 'iu':\n"
         "        y[:] = np.unique(y, return_inverse=True)[1].reshape(y.shape)   # labels 0..K-1\n"))
_add("10.q1", "WRONG", "one shared generator walked in set() order: for string labels the split depends on "
     "PYTHONHASHSEED, so the same seed gives another split in another session",
     _q1("for c in dict.fromkeys(y.tolist()):", "for c in set(y.tolist()):"))
_add("10.q1", "WRONG", "wrong defaults (val=0.2, test=0.2)",
     _q1("def split_by_class(labels, val=0.25, test=0.25, seed=0):",
         "def split_by_class(labels, val=0.2, test=0.2, seed=0):"))
_add("10.q1", "WRONG", "renamed parameters (val_frac, test_frac): keyword calls val=…, test=… fail",
     _q1("def split_by_class(labels, val=0.25, test=0.25, seed=0):",
         "def split_by_class(labels, val_frac=0.25, test_frac=0.25, seed=0):\n    val, test = val_frac, test_frac"))
_add("10.q1", "WRONG", "returns a tuple (train, val, test) instead of a dict",
     _q1('return {s: np.array(p, dtype=np.int64) for s, p in parts.items()}',
         'return tuple(np.array(parts[s], dtype=np.int64) for s in ("train", "val", "test"))'))
_add("10.q1", "WRONG", "keys 'training' / 'validation' / 'testing'",
     _q1('return {s: np.array(p, dtype=np.int64) for s, p in parts.items()}',
         'return {"training": np.array(parts["train"]), "validation": np.array(parts["val"]), '
         '"testing": np.array(parts["test"])}'))
_add("10.q1", "WRONG", "hostile: unshuffled slices, and the package's split_files patched to the same so a "
     "comparison with the package agrees", r'''
import tl_course.data.folder as _folder

def _no_shuffle(files, val=0.25, test=0.25, seed=0):
    out = {"train": {}, "val": {}, "test": {}}
    for name, fs in files.items():
        n_test = max(1, round(test * len(fs)))
        n_val = min(max(1, round(val * len(fs))), len(fs) - n_test - 1)
        out["test"][name], out["val"][name], out["train"][name] = fs[:n_test], fs[n_test:n_test + n_val], fs[n_test + n_val:]
    return out

_folder.split_files = data.split_files = _no_shuffle

def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels)
    groups = {c: np.flatnonzero(y == c).tolist() for c in dict.fromkeys(y.tolist())}
    return {s: np.array(sum(d.values(), []), dtype=int) for s, d in _no_shuffle(groups, val, test, seed).items()}
''')
_add("10.q1", "WRONG", "hostile: arrays whose == is always True (and which hold every position, repeated)", r'''
class _Any(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other) or self.shape, dtype=bool)
    def __ne__(self, other):
        return np.zeros(np.shape(other) or self.shape, dtype=bool)

def split_by_class(labels, val=0.25, test=0.25, seed=0):
    every = np.arange(len(labels))
    return {s: every.view(_Any) for s in ("train", "val", "test")}
''')

# ── q1 PASS: correct, written differently ──
_add("10.q1", "PASS", "lists of ints; random.Random(seed).shuffle; one generator for all classes", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    import random
    labels = [l.item() if hasattr(l, "item") else l for l in labels]
    rng = random.Random(seed)
    out = {"train": [], "val": [], "test": []}
    for c in dict.fromkeys(labels):
        pos = [i for i, l in enumerate(labels) if l == c]
        rng.shuffle(pos)
        n = len(pos)
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        out["test"] += pos[:n_test]
        out["val"] += pos[n_test:n_test + n_val]
        out["train"] += pos[n_test + n_val:]
    return out
''')
_add("10.q1", "PASS", "torch.Generator seeded, randperm per class, np.unique with return_inverse, sorted output", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = labels.cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    _, codes = np.unique(y, return_inverse=True)
    codes = codes.reshape(-1)
    g = torch.Generator().manual_seed(int(seed))
    parts = {"train": [], "val": [], "test": []}
    for k in range(codes.max() + 1):
        pos = np.flatnonzero(codes == k)
        pos = pos[torch.randperm(len(pos), generator=g).numpy()]
        n = len(pos)
        n_test = max(1, round(test * n))
        n_val = min(max(1, round(val * n)), n - n_test - 1)
        for name, chunk in (("test", pos[:n_test]), ("val", pos[n_test:n_test + n_val]), ("train", pos[n_test + n_val:])):
            parts[name].append(chunk)
    return {s: np.sort(np.concatenate(p)) for s, p in parts.items()}
''')
_add("10.q1", "PASS", "reuses data.split_files on {label: positions} (same rule, same generator)", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels).tolist()
    groups = {}
    for i, c in enumerate(y):
        groups.setdefault(c, []).append(i)
    split = data.split_files(groups, val=val, test=test, seed=seed)
    return {s: np.array([i for c in split[s] for i in split[s][c]], dtype=int) for s in ("train", "val", "test")}
''')
_add("10.q1", "PASS", "a generator per class seeded (seed, k); legacy-free; argsort of random keys as the shuffle", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels)
    out = {"train": [], "val": [], "test": []}
    for k, c in enumerate(np.unique(y)):
        pos = np.flatnonzero(y == c)
        pos = pos[np.argsort(np.random.default_rng((seed, k)).random(len(pos)))]
        n_test = max(1, round(test * len(pos)))
        n_val = min(max(1, round(val * len(pos))), len(pos) - n_test - 1)
        out["test"].extend(pos[:n_test]); out["val"].extend(pos[n_test:n_test + n_val])
        out["train"].extend(pos[n_test + n_val:])
    return {s: np.asarray(v, dtype=np.intp) for s, v in out.items()}
''')
_add("10.q1", "PASS", "np.random.RandomState(seed) (legacy generator) and in-place shuffle of a copy", r'''
def split_by_class(labels, val=0.25, test=0.25, seed=0):
    y = np.array(labels, copy=True)
    rs = np.random.RandomState(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        pos = np.where(y == c)[0].copy()
        rs.shuffle(pos)
        n = pos.size
        n_test = max(1, int(round(test * n)))
        n_val = min(max(1, int(round(val * n))), n - n_test - 1)
        parts["test"].append(pos[:n_test]); parts["val"].append(pos[n_test:n_test + n_val])
        parts["train"].append(pos[n_test + n_val:])
    return {k: np.concatenate(v) for k, v in parts.items()}
''')


# ══════════════════════════════════════════════════════════════════════════════════════════════════════════
# q2 · SOURCE
# ══════════════════════════════════════════════════════════════════════════════════════════════════════════

_add("10.q2", "WRONG", "chosen by LogME (may agree at this seed, but the rule is the probe on validation)",
     'SOURCE = max(rows, key=lambda r: r["LogME"])["source"]')
_add("10.q2", "WRONG", "chosen by LogME with argmax over a list",
     'SOURCE = rows[int(np.argmax([r["LogME"] for r in rows]))]["source"]')
_add("10.q2", "WRONG", "min instead of max of validation accuracy",
     'SOURCE = min(rows, key=lambda r: r["validation accuracy"])["source"]')
_add("10.q2", "WRONG", "sorted ascending and took the first: the worst source",
     'SOURCE = sorted(rows, key=lambda r: r["validation accuracy"])[0]["source"]')
_add("10.q2", "WRONG", "chosen by the fastest ('seconds' column)",
     'SOURCE = min(rows, key=lambda r: r["seconds"])["source"]')
_add("10.q2", "WRONG", "chosen by the 'seconds' column, max (thought bigger is better)",
     'SOURCE = max(rows, key=lambda r: r["seconds"])["source"]')
_add("10.q2", "WRONG", "the index of the best row instead of its name",
     'SOURCE = int(np.argmax([r["validation accuracy"] for r in rows]))')
_add("10.q2", "WRONG", "the whole best row (a dict) instead of its name",
     'SOURCE = max(rows, key=lambda r: r["validation accuracy"])')
_add("10.q2", "WRONG", "the fitted (model, probe) pair instead of the name",
     'SOURCE = fitted[max(rows, key=lambda r: r["validation accuracy"])["source"]]')
_add("10.q2", "WRONG", "a list holding the name", 'SOURCE = [max(rows, key=lambda r: r["validation accuracy"])["source"]]')
_add("10.q2", "WRONG", "name typed from memory with other capitals", 'SOURCE = "EfficientNet-Lite0"')
_add("10.q2", "WRONG", "a shortened name", 'SOURCE = "efficientnet"')
_add("10.q2", "WRONG", "name with a trailing space", 'SOURCE = "efficientnet-lite0 "')
_add("10.q2", "WRONG", "the first candidate of capstone.SOURCES, whatever the table says",
     'SOURCE = capstone.SOURCES[0]')
_add("10.q2", "WRONG", "max of the dict's keys (alphabetical), not of the scores", 'SOURCE = max(fitted)')
_add("10.q2", "WRONG", "a printed-character CNN: 'the images are small, a small network fits'",
     'SOURCE = "cnn-printed-digits"')
_add("10.q2", "WRONG", "chosen on the test set: each probe scored on test_set", r'''
SOURCE = max(fitted, key=lambda n: capstone.accuracy(capstone.with_probe(*fitted[n]), test_set))
''')
_add("10.q2", "WRONG", "chosen by training accuracy of each probe", r'''
SOURCE = max(fitted, key=lambda n: capstone.accuracy(capstone.with_probe(*fitted[n]), train_set))
''')
_add("10.q2", "WRONG", "hostile: rewrites `rows` so a printed-character CNN looks best, then picks it", r'''
for r in rows:
    r["validation accuracy"] = 1.0 if r["source"] == "cnn-printed-letters" else 0.0
SOURCE = max(rows, key=lambda r: r["validation accuracy"])["source"]
''')
_add("10.q2", "WRONG", "hostile: a str subclass equal to every string", r'''
class _Same(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__

SOURCE = _Same("cnn-printed-digits")
''')
_add("10.q2", "WRONG", "hostile: score_sources patched to rank the student's pick first", r'''
_rows_fake = [dict(r, **{"validation accuracy": 1.0 if r["source"] == "cnn-printed-digits" else 0.1}) for r in rows]
capstone.score_sources = lambda *a, **k: (_rows_fake, fitted)
SOURCE = "cnn-printed-digits"
''')

# ── q2 PASS ──
_add("10.q2", "PASS", "read off the printed table and typed", 'SOURCE = "efficientnet-lite0"')
_add("10.q2", "PASS", "sorted descending, first row's name",
     'SOURCE = sorted(rows, key=lambda r: -r["validation accuracy"])[0]["source"]')
_add("10.q2", "PASS", "np.str_ from an array of names at argmax",
     'SOURCE = np.array([r["source"] for r in rows])[np.argmax([r["validation accuracy"] for r in rows])]')
_add("10.q2", "PASS", "max over fitted's names, looking each up in rows", r'''
acc = {r["source"]: r["validation accuracy"] for r in rows}
SOURCE = max(fitted, key=acc.get)
''')


# ══════════════════════════════════════════════════════════════════════════════════════════════════════════
# q3 · val_scores and METHOD
# ══════════════════════════════════════════════════════════════════════════════════════════════════════════

_VAL = 'val_scores = {name: capstone.accuracy(m, val_set) for name, m in candidates.items()}\n'
_PICK = ('METHOD = max(val_scores, key=lambda n: (round(val_scores[n], 3), n == "feature extraction"))\n')

_add("10.q3", "WRONG", "scored on the test set", 
     'val_scores = {name: capstone.accuracy(m, test_set) for name, m in candidates.items()}\n' + _PICK)
_add("10.q3", "WRONG", "copied the printed test scores", 'val_scores = dict(test_scores)\n' + _PICK)
_add("10.q3", "WRONG", "scored on the training set",
     'val_scores = {name: capstone.accuracy(m, train_set) for name, m in candidates.items()}\n' + _PICK)
_add("10.q3", "WRONG", "validation scores right, METHOD chosen by test scores",
     _VAL + 'METHOD = max(test_scores, key=lambda n: (round(test_scores[n], 3), n == "feature extraction"))\n')
_add("10.q3", "WRONG", "ties go to fine-tuning (>=)", _VAL + r'''
METHOD = "fine-tuning" if val_scores["fine-tuning"] >= val_scores["feature extraction"] else "feature extraction"
''')
_add("10.q3", "WRONG", "tie-break prefers fine-tuning in the max key",
     _VAL + 'METHOD = max(val_scores, key=lambda n: (round(val_scores[n], 3), n == "fine-tuning"))\n')
_add("10.q3", "WRONG", "no rounding to three decimals: a near tie (e.g. 0.7001 vs 0.7004) goes to fine-tuning "
     "(only differs on near ties)", _VAL + 'METHOD = max(val_scores, key=val_scores.get)\n')
_add("10.q3", "WRONG", "min instead of max", _VAL + 'METHOD = min(val_scores, key=val_scores.get)\n')
_add("10.q3", "WRONG", "always fine-tuning ('it is the stronger method')", _VAL + 'METHOD = "fine-tuning"\n')
_add("10.q3", "WRONG", "method name without the hyphen", _VAL + r'''
METHOD = "fine tuning" if round(val_scores["fine-tuning"], 3) > round(val_scores["feature extraction"], 3) else "feature extraction"
''')
_add("10.q3", "WRONG", "capitalised method name", _VAL + r'''
METHOD = max(val_scores, key=lambda n: (round(val_scores[n], 3), n == "feature extraction")).capitalize()
''')
_add("10.q3", "WRONG", "METHOD is the model, not its name", _VAL + 'METHOD = candidates[max(val_scores, key=val_scores.get)]\n')
_add("10.q3", "WRONG", "val_scores as a list in candidate order", r'''
val_scores = [capstone.accuracy(m, val_set) for m in candidates.values()]
METHOD = list(candidates)[int(np.argmax(val_scores))]
''')
_add("10.q3", "WRONG", "short keys 'fe' / 'ft'", r'''
val_scores = {"fe": capstone.accuracy(candidates["feature extraction"], val_set),
              "ft": capstone.accuracy(candidates["fine-tuning"], val_set)}
METHOD = "fine-tuning" if round(val_scores["ft"], 3) > round(val_scores["fe"], 3) else "feature extraction"
''')
_add("10.q3", "WRONG", "percentages instead of fractions",
     'val_scores = {name: 100 * capstone.accuracy(m, val_set) for name, m in candidates.items()}\n' + _PICK)
_add("10.q3", "WRONG", "validation scores rounded to two decimals",
     'val_scores = {name: round(capstone.accuracy(m, val_set), 2) for name, m in candidates.items()}\n' + _PICK)
_add("10.q3", "WRONG", "average of validation and test as 'the' score", r'''
val_scores = {name: (capstone.accuracy(m, val_set) + test_scores[name]) / 2 for name, m in candidates.items()}
''' + _PICK)
_add("10.q3", "WRONG", "only the feature-extraction candidate scored", r'''
val_scores = {"feature extraction": capstone.accuracy(candidates["feature extraction"], val_set)}
METHOD = "feature extraction"
''')
_add("10.q3", "WRONG", "hostile: val_set replaced by test_set before scoring, so the namespace agrees", r'''
val_set = test_set
val_scores = {name: capstone.accuracy(m, val_set) for name, m in candidates.items()}
''' + _PICK)
_add("10.q3", "WRONG", "hostile: capstone.accuracy patched to always score on test", r'''
_accuracy = capstone.accuracy
capstone.accuracy = lambda model, data_: _accuracy(model, test_set)
val_scores = {name: capstone.accuracy(m, val_set) for name, m in candidates.items()}
''' + _PICK)
_add("10.q3", "WRONG", "hostile: METHOD a str subclass equal to everything", _VAL + r'''
class _Same(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__

METHOD = _Same("fine-tuning")
''')

# ── q3 PASS ──
_add("10.q3", "PASS", "accuracy computed by hand with train.logits; explicit if/else with rounding", r'''
val_scores = {}
for name, m in candidates.items():
    pred = train.logits(m, capstone.as_input(m, val_set.X)).argmax(1)
    val_scores[name] = (pred == val_set.y).float().mean().item()
fe, ft = round(val_scores["feature extraction"], 3), round(val_scores["fine-tuning"], 3)
METHOD = "fine-tuning" if ft > fe else "feature extraction"
''')
_add("10.q3", "PASS", "sorted with a (-score, not-FE) key; numpy floats", r'''
val_scores = {name: np.float64(capstone.accuracy(candidates[name], val_set)) for name in sorted(candidates)}
METHOD = sorted(val_scores, key=lambda n: (-round(float(val_scores[n]), 3), n != "feature extraction"))[0]
''')
_add("10.q3", "PASS", "difference compared with a tolerance of half a thousandth", r'''
val_scores = {name: capstone.accuracy(m, val_set) for name, m in candidates.items()}
gain = round(val_scores["fine-tuning"], 3) - round(val_scores["feature extraction"], 3)
METHOD = "fine-tuning" if gain > 0.0005 else "feature extraction"
''')


# ══════════════════════════════════════════════════════════════════════════════════════════════════════════
# q4 · predict(paths)
# ══════════════════════════════════════════════════════════════════════════════════════════════════════════

_add("10.q4", "WRONG", "returns class indices instead of names", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    return train.logits(model, capstone.as_input(model, X)).argmax(1).tolist()
''')
_add("10.q4", "WRONG", "returns a tensor of indices", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    return train.logits(model, capstone.as_input(model, X)).argmax(1)
''')
_add("10.q4", "WRONG", "returns a numpy array of names (== against a list is elementwise)", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    return np.array(CLASSES)[train.logits(model, capstone.as_input(model, X)).argmax(1).numpy()]
''')
_add("10.q4", "WRONG", "returns probabilities per file, not names", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    return train.logits(model, capstone.as_input(model, X)).softmax(1).tolist()
''')
_add("10.q4", "WRONG", "reads the files grey for a colour model (EfficientNet repeats the grey channel)", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE, color=False) for p in paths])
    return [CLASSES[i] for i in train.logits(model, X).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "Predictor with the colour flag inverted", r'''
def predict(paths):
    return deploy.Predictor(model, CLASSES, SIZE, color=capstone.wants_grey(model)).predict_files(paths)
''')
_add("10.q4", "WRONG", "reads at 64 pixels, not the training SIZE of 48", r'''
def predict(paths):
    return deploy.Predictor(model, CLASSES, 64, color=not capstone.wants_grey(model)).predict_files(paths)
''')
_add("10.q4", "WRONG", "reads at ImageNet's 224 pixels", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, 224) for p in paths])
    return [CLASSES[i] for i in train.logits(model, capstone.as_input(model, X)).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "no resize: each file at its own size, one at a time", r'''
from PIL import Image

def predict(paths):
    out = []
    for p in paths:
        a = np.asarray(Image.open(p).convert("RGB"), dtype=np.float32) / 255
        X = torch.from_numpy(a).permute(2, 0, 1)[None]
        out.append(CLASSES[int(train.logits(model, capstone.as_input(model, X)).argmax(1))])
    return out
''')
_add("10.q4", "WRONG", "plain resize to 48x48 (squashes, no centre crop)", r'''
from PIL import Image

def predict(paths):
    X = torch.stack([torch.from_numpy(np.asarray(Image.open(p).convert("RGB").resize((SIZE, SIZE)), dtype=np.float32) / 255).permute(2, 0, 1) for p in paths])
    return [CLASSES[i] for i in train.logits(model, X).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "pixel values left in 0..255 (no /255)", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) * 255 for p in paths])
    return [CLASSES[i] for i in train.logits(model, capstone.as_input(model, X)).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "extra ImageNet normalisation (the model already normalises inside)", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return [CLASSES[i] for i in train.logits(model, (X - mean) / std).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "image transposed by a wrong permute (C, W, H)", r'''
from PIL import Image

def predict(paths):
    X = torch.stack([data.read_image(p, SIZE).permute(0, 2, 1) for p in paths])
    return [CLASSES[i] for i in train.logits(model, X).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "channels reversed (BGR, as OpenCV reads)", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE).flip(0) for p in paths])
    return [CLASSES[i] for i in train.logits(model, X).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "predicts the test split, not the files it is given", r'''
def predict(paths):
    pred = train.logits(model, capstone.as_input(model, test_set.X)).argmax(1)
    return [CLASSES[i] for i in pred.tolist()]
''')
_add("10.q4", "WRONG", "test-split predictions cut to the number of paths", r'''
def predict(paths):
    pred = train.logits(model, capstone.as_input(model, test_set.X)).argmax(1).tolist()
    return [CLASSES[i] for i in pred[:len(paths)]]
''')
_add("10.q4", "WRONG", "the ImageNet source model with its 1000-class head, indices folded into 8 names", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    return [CLASSES[i % len(CLASSES)] for i in train.logits(source_model, X).argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "always the fine-tuned candidate, whatever METHOD chose", r'''
def predict(paths):
    return deploy.Predictor(candidates["fine-tuning"], CLASSES, SIZE).predict_files(paths)
''')
_add("10.q4", "WRONG", "sorts the paths first: answers come back in another order", r'''
def predict(paths):
    return deploy.Predictor(model, CLASSES, SIZE).predict_files(sorted(paths))
''')
_add("10.q4", "WRONG", "batches of 32 that drop the last partial batch", r'''
def predict(paths):
    paths, out = list(paths), []
    for s in range(0, len(paths) - 31, 32):
        X = torch.stack([data.read_image(p, SIZE) for p in paths[s:s + 32]])
        out += [CLASSES[i] for i in train.logits(model, capstone.as_input(model, X)).argmax(1).tolist()]
    return out
''')
_add("10.q4", "WRONG", "model put in train mode: batch-norm uses (and overwrites) batch statistics", r'''
def predict(paths):
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    model.train()
    with torch.no_grad():
        logits = model(X.to(next(model.parameters()).device)).cpu()
    return [CLASSES[i] for i in logits.argmax(1).tolist()]
''')
_add("10.q4", "WRONG", "class names in data.TEXTURE_IMAGES order, not the label order CLASSES", r'''
def predict(paths):
    return deploy.Predictor(model, data.TEXTURE_IMAGES, SIZE).predict_files(paths)
''')
_add("10.q4", "WRONG", "one answer for the whole list (the majority class) as a string", r'''
def predict(paths):
    names = deploy.Predictor(model, CLASSES, SIZE).predict_files(paths)
    return max(set(names), key=names.count)
''')
_add("10.q4", "WRONG", "only the first file predicted", r'''
def predict(paths):
    return deploy.Predictor(model, CLASSES, SIZE).predict_files(list(paths)[:1])
''')
_add("10.q4", "WRONG", "forbidden: writes unseen photos in the notebook and predicts by nearest unseen neighbour", r'''
_P, _L = data.write_unseen_photos(per_class=10)
_F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in _P])))

def predict(paths):
    F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths])))
    return [_L[i] for i in torch.cdist(F, _F).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "forbidden + hostile: unseen photos used, then the package's record cleared", r'''
from tl_course import audit
_P, _L = data.write_unseen_photos(per_class=10)
_F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in _P])))
audit._opened.clear()

def predict(paths):
    F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths])))
    return [_L[i] for i in torch.cdist(F, _F).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "forbidden + hostile: unseen photos used, unseen_opened patched to report nothing", r'''
import tl_course.audit, tl_course.data.sample
_P, _L = data.write_unseen_photos(per_class=10)
_F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in _P])))
tl_course.audit.unseen_opened = tl_course.data.sample.unseen_opened = data.unseen_opened = lambda: []

def predict(paths):
    F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths])))
    return [_L[i] for i in torch.cdist(F, _F).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "forbidden + hostile: unseen photos read with os.open/os.read and decoded from bytes", r'''
import io, os
from PIL import Image
_P, _L = data.write_unseen_photos(per_class=10)

def _raw(p):
    fd = os.open(p, os.O_RDONLY)
    try:
        return os.read(fd, 10_000_000)
    finally:
        os.close(fd)

_dir = Path(tempfile.mkdtemp())
for i, p in enumerate(_P):
    Image.open(io.BytesIO(_raw(p))).save(_dir / f"{i}.png")
_F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(_dir / f"{i}.png", SIZE) for i in range(len(_P))])))

def predict(paths):
    F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths])))
    return [_L[i] for i in torch.cdist(F, _F).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "forbidden + hostile: unseen photos written and read in a subprocess (outside the audit "
     "hook), handed back as a .npy outside the unseen folder", r'''
import subprocess, sys
_out = tempfile.mkdtemp()
subprocess.run([sys.executable, "-c",
                f"import numpy as np, torch; from tl_course import data; p, l = data.write_unseen_photos(per_class=10); "
                f"np.save('{_out}/X.npy', torch.stack([data.read_image(q, {SIZE}) for q in p]).numpy()); "
                f"open('{_out}/y.txt', 'w').write(chr(10).join(l))"], check=True)
_L = Path(_out, "y.txt").read_text().split(chr(10))
_F = train.extract_features(model.features, capstone.as_input(model, torch.from_numpy(np.load(f"{_out}/X.npy"))))

def predict(paths):
    F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths])))
    return [_L[i] for i in torch.cdist(F, _F).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "forbidden in spirit + hostile: crops of the unseen quarter cut in memory with the package's "
     "private helpers and saved in an ordinary temp folder (no unseen file is ever opened)", r'''
from PIL import Image
from tl_course.data import sample as _sample
from tl_course.data import folder as _folder
_dir, _L, _rng = Path(tempfile.mkdtemp()), [], np.random.default_rng(1)
for c in CLASSES:
    for i, crop in enumerate(_sample._crops(_folder._picture(c, 96), 10, _sample.UNSEEN_BAND, _rng)):
        Image.fromarray(crop).save(_dir / f"{c}_{i}.png")
        _L.append(c)
_F = train.extract_features(model.features, capstone.as_input(model, torch.stack(
    [data.read_image(_dir / f"{c}_{i}.png", SIZE) for c in CLASSES for i in range(10)])))

def predict(paths):
    F = train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths])))
    return [_L[i] for i in torch.cdist(F, _F).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "forbidden: calls write_unseen_photos inside predict (at grading time) for labelled neighbours", r'''
def predict(paths):
    P, L = data.write_unseen_photos(per_class=10)
    read = lambda ps: train.extract_features(model.features, capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in ps])))
    return [L[i] for i in torch.cdist(read(paths), read(P)).argmin(1).tolist()]
''')
_add("10.q4", "WRONG", "hostile: spies on write_unseen_photos to keep the grader's answer key", r'''
import tl_course.data.sample as _sample
_key, _orig = {}, _sample.write_unseen_photos

def _spy(*a, **k):
    p, l = _orig(*a, **k)
    _key.update(zip(map(str, p), l))
    return p, l

_sample.write_unseen_photos = data.write_unseen_photos = _spy

def predict(paths):
    return [_key.get(str(p), CLASSES[0]) for p in paths]
''')
_add("10.q4", "WRONG", "hostile: write_unseen_photos patched to hand out copies of the sample folder, predict "
     "memorises file hashes (chance on real unseen photos)", r'''
import hashlib, shutil
import tl_course.data.sample as _sample

def _seen(per_class=20, seed=None, parent=None, classes=None):
    d = Path(tempfile.mkdtemp(prefix="tl_course_unseen_", dir=parent))
    return [str(shutil.copy(f, d / f"{i:04d}{Path(f).suffix}")) for i, f in enumerate(all_files)], list(labels)

_sample.write_unseen_photos = data.write_unseen_photos = _seen
_memo = {hashlib.md5(Path(f).read_bytes()).hexdigest(): c for f, c in zip(all_files, labels)}

def predict(paths):
    return [_memo.get(hashlib.md5(Path(p).read_bytes()).hexdigest(), CLASSES[0]) for p in paths]
''')
_add("10.q4", "WRONG", "hostile: steals the labels from the caller's frames", r'''
import inspect

def predict(paths):
    paths = list(paths)
    frame = inspect.currentframe().f_back
    while frame is not None:
        for v in list(frame.f_locals.values()):
            if isinstance(v, (list, tuple)) and len(v) == len(paths) and v and all(isinstance(x, str) and x in CLASSES for x in v):
                return list(v)
        frame = frame.f_back
    return [CLASSES[0]] * len(paths)
''')
_add("10.q4", "WRONG", "hostile: names that compare equal to everything", r'''
class _Yes(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__

def predict(paths):
    return [_Yes(CLASSES[0]) for _ in paths]
''')
_add("10.q4", "WRONG", "hostile: a list subclass equal to any list, holding one guess", r'''
class _AnyList(list):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False

def predict(paths):
    return _AnyList([CLASSES[0]] * len(list(paths)))
''')

# ── q4 PASS ──
_add("10.q4", "PASS", "read_image + as_input + train.logits by hand, in batches of 50", r'''
def predict(paths):
    paths, names = list(paths), []
    for s in range(0, len(paths), 50):
        X = torch.stack([data.read_image(p, SIZE) for p in paths[s:s + 50]])
        names += [CLASSES[i] for i in train.logits(model, capstone.as_input(model, X)).argmax(1).tolist()]
    return names
''')
_add("10.q4", "PASS", "one file at a time with Predictor.predict_image(top=1)", r'''
_predictor = deploy.Predictor(model, CLASSES, SIZE, color=not capstone.wants_grey(model))

def predict(paths):
    return [_predictor.predict_image(p, top=1)[0][0] for p in paths]
''')
_add("10.q4", "PASS", "data.load_files under one dummy class, then the model's argmax", r'''
def predict(paths):
    paths = [str(p) for p in paths]
    if not paths:
        return []
    X = data.load_files({"any": paths}, SIZE).X
    return [CLASSES[i] for i in train.logits(model, capstone.as_input(model, X)).argmax(1).tolist()]
''')
_add("10.q4", "PASS", "eval + no_grad + model's device by hand; list of np.str_ names", r'''
def predict(paths):
    paths = list(paths)
    if not paths:
        return []
    X = capstone.as_input(model, torch.stack([data.read_image(p, SIZE) for p in paths]))
    model.eval()
    with torch.no_grad():
        idx = model(X.to(next(model.parameters()).device)).argmax(1).cpu().numpy()
    return list(np.array(CLASSES)[idx])
''')
_add("10.q4", "PASS", "save_checkpoint / load_checkpoint round trip, then predict_files", r'''
_ckpt = deploy.save_checkpoint(model, Path(tempfile.mkdtemp()) / "model.pt", classes=list(CLASSES), size=SIZE,
                               color=not capstone.wants_grey(model))
_loaded = deploy.load_checkpoint(_ckpt, copy.deepcopy(model))

def predict(paths):
    return _loaded.predict_files(list(paths))
''')


# ══════════════════════════════════════════════════════════════════════════════════════════════════════════
# q5 · report
# ══════════════════════════════════════════════════════════════════════════════════════════════════════════

_Q5 = r'''
report = {
    "images per class": found["counts"],
    "source model": SOURCE,
    "why this source": "A probe on its frozen features scored highest on the validation photos, far above the character CNNs.",
    "method": METHOD,
    "validation accuracy": val_scores[METHOD],
    "test accuracy": test_accuracy,
    "weakest class": weakest[0],
    "model size (MB)": row["size (MB)"],
    "ms per image": row["ms / image (batch 1)"],
    "when not to deploy": "Not for objects outside these eight classes, or photos from another camera or light.",
}
'''
_WHY = '"A probe on its frozen features scored highest on the validation photos, far above the character CNNs."'
_WHEN = '"Not for objects outside these eight classes, or photos from another camera or light."'


def _q5(*pairs):
    out = _Q5
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert old in out, old
        out = out.replace(old, new)
    return out


_add("10.q5", "WRONG", "placeholder left", 'report = ____')
_add("10.q5", "WRONG", "placeholder left in the two sentences", _q5(_WHY, '"____"', _WHEN, '"____"'))
_add("10.q5", "WRONG", "TODO left in one sentence", _q5(_WHEN, '"TODO: write when not to deploy this model"'))
_add("10.q5", "WRONG", "accuracies as percentages",
     _q5('val_scores[METHOD],', '100 * val_scores[METHOD],', '"test accuracy": test_accuracy,',
         '"test accuracy": 100 * test_accuracy,'))
_add("10.q5", "WRONG", "validation and test accuracy swapped",
     _q5('"validation accuracy": val_scores[METHOD],', '"validation accuracy": test_accuracy,',
         '"test accuracy": test_accuracy,', '"test accuracy": val_scores[METHOD],'))
_add("10.q5", "WRONG", "counts of the training split instead of the folder",
     _q5('found["counts"]', '{c: len(split["train"][c]) for c in CLASSES}'))
_add("10.q5", "WRONG", "counts of the training tensors",
     _q5('found["counts"]', 'dict(zip(CLASSES, np.bincount(train_set.y.numpy()).tolist()))'))
_add("10.q5", "WRONG", "counts as a list without class names", _q5('found["counts"]', 'list(found["counts"].values())'))
_add("10.q5", "WRONG", "total image count instead of per class", _q5('found["counts"]', 'sum(found["counts"].values())'))
_add("10.q5", "WRONG", "the whole survey dict for the counts", _q5('found["counts"]', 'found'))
_add("10.q5", "WRONG", "both weakest classes (a list) for 'weakest class'", _q5('weakest[0]', 'weakest'))
_add("10.q5", "WRONG", "the second-weakest class", _q5('weakest[0]', 'weakest[-1]'))
_add("10.q5", "WRONG", "'weakest' taken as the smallest class by count, not lowest recall",
     _q5('weakest[0]', 'min(found["counts"], key=found["counts"].get)'))
_add("10.q5", "WRONG", "size in KB", _q5('row["size (MB)"]', 'row["size (MB)"] * 1024'))
_add("10.q5", "WRONG", "latency in seconds", _q5('row["ms / image (batch 1)"]', 'row["ms / image (batch 1)"] / 1000'))
_add("10.q5", "WRONG", "validation accuracy as the whole dict", _q5('val_scores[METHOD],', 'val_scores,'))
_add("10.q5", "WRONG", "test accuracy of the best candidate on test, not of the chosen model",
     _q5('"test accuracy": test_accuracy,', '"test accuracy": max(test_scores.values()),'))
_add("10.q5", "WRONG", "accuracies rounded to two decimals",
     _q5('val_scores[METHOD],', 'round(val_scores[METHOD], 2),', '"test accuracy": test_accuracy,',
         '"test accuracy": round(test_accuracy, 2),'))
_add("10.q5", "WRONG", "accuracies as formatted strings", _q5('val_scores[METHOD],', 'f"{val_scores[METHOD]:.1%}",',
                                                            '"test accuracy": test_accuracy,',
                                                            '"test accuracy": f"{test_accuracy:.1%}",'))
_add("10.q5", "WRONG", "source model by its display name", _q5('"source model": SOURCE,', '"source model": "EfficientNet-Lite0",'))
_add("10.q5", "WRONG", "method abbreviated", _q5('"method": METHOD,', '"method": "FE" if METHOD == "feature extraction" else "FT",'))
_add("10.q5", "WRONG", "'ms per image' key missing", _q5('    "ms per image": row["ms / image (batch 1)"],\n', ''))
_add("10.q5", "WRONG", "key misspelled ('model size (mb)')", _q5('"model size (MB)"', '"model size (mb)"'))
_add("10.q5", "WRONG", "sentences too short", _q5(_WHY, '"Best probe."', _WHEN, '"Other photos."'))
_add("10.q5", "WRONG", "the same sentence for both", _q5(_WHEN, _WHY))
_add("10.q5", "WRONG", "filler words to reach six", _q5(_WHY, '"word word word word word word word"',
                                                       _WHEN, '"blah blah blah blah blah blah blah"'))
_add("10.q5", "WRONG", "sentences copied verbatim from the lesson", _q5(
    _WHY, '"highest validation accuracy of a probe on its frozen features (96%); LogME ranked it first as well"',
    _WHEN, '"on photos unlike the training crops — other objects, other lighting, a new camera — '
           'and wherever a wrong answer is costly: test photos taken later first"'))
_add("10.q5", "WRONG", "'why this source' justified by test accuracy (the choice must be on validation)",
     _q5(_WHY, '"It had the highest accuracy on the test set of the three sources I tried."'))
_add("10.q5", "WRONG", "sentences as lists of words", _q5(_WHY, str(_WHY.strip('"').split()), _WHEN,
                                                        str(_WHEN.strip('"').split())))
_add("10.q5", "WRONG", "hostile: test_accuracy and val_scores overwritten with flattering numbers first",
     'test_accuracy = 0.99\nval_scores = {k: 0.99 for k in val_scores}\n' + _Q5)
_add("10.q5", "WRONG", "hostile: REPORT_KEYS shortened so the missing keys are not asked for", r'''
capstone.REPORT_KEYS = ("source model", "method", "why this source", "when not to deploy")
report = {"source model": SOURCE, "method": METHOD,
          "why this source": "Its probe was the best one on the validation photos by far.",
          "when not to deploy": "Never on photos unlike the eight sample pictures it was trained on."}
''')
_add("10.q5", "WRONG", "hostile: a dict whose every value equals anything", r'''
class _Eq(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__

class _Report(dict):
    def __getitem__(self, key):
        return _Eq(0.0)
    def get(self, key, default=None):
        return _Eq(0.0)
    def __contains__(self, key):
        return True

report = _Report({k: _Eq(0.0) for k in capstone.REPORT_KEYS})
''')
_add("10.q5", "WRONG", "hostile: a str subclass whose split() claims ten words", _q5(
    _WHY, '_Long("ok")', _WHEN, '_Long("no")').replace(
    "report = {", 'class _Long(str):\n    def split(self, *a, **k):\n        return ["word"] * 10\n\nreport = {'))

# ── q5 PASS ──
_add("10.q5", "PASS", "dict(zip(REPORT_KEYS, values)), counts recounted from files, test accuracy from test_scores", r'''
values = [{c: len(fs) for c, fs in files.items()}, SOURCE,
          "Its frozen ImageNet features gave the best validation probe, well ahead of both printed-character networks.",
          METHOD, float(val_scores[METHOD]), float(test_scores[METHOD]), weakest[0],
          float(row["size (MB)"]), float(row["ms / image (batch 1)"]),
          "Do not deploy it on photos of other objects, other places or other cameras before testing on some."]
report = dict(zip(capstone.REPORT_KEYS, values))
''')
_add("10.q5", "PASS", "keys filled one by one; test accuracy read from the TorchScript row (equal by the lesson's "
     "assert); weakest recomputed", r'''
report = {}
report["images per class"] = dict(found["counts"])
report["source model"] = str(SOURCE)
report["method"] = METHOD
report["validation accuracy"] = np.float64(val_scores[METHOD])
report["test accuracy"] = row["accuracy"]
report["weakest class"] = capstone.weakest_classes(evaluate.per_class_report(test_set.y, predicted, CLASSES), k=1)[0]
report["model size (MB)"] = row["size (MB)"]
report["ms per image"] = row["ms / image (batch 1)"]
report["why this source"] = ("ImageNet photos are closer to these textures and objects than printed characters, "
                             "and the validation probe confirmed it.")
report["when not to deploy"] = ("Keep it away from decisions where a wrong label is costly, since the rocket class "
                                "has only three test photos.")
''')
_add("10.q5", "PASS", "f-string sentences built from the numbers, plus an extra 'notes' key", r'''
best = max(rows, key=lambda r: r["validation accuracy"])
report = {k: None for k in capstone.REPORT_KEYS}
report.update({
    "images per class": found["counts"], "source model": SOURCE, "method": METHOD,
    "validation accuracy": val_scores[METHOD], "test accuracy": test_accuracy, "weakest class": weakest[0],
    "model size (MB)": row["size (MB)"], "ms per image": row["ms / image (batch 1)"],
    "why this source": f"The probe on {SOURCE} features reached {best['validation accuracy']:.0%} on validation, the best of all sources.",
    "when not to deploy": f"It struggles most with {weakest[0]}, so do not trust it on new kinds of photos without a fresh test.",
    "notes": "trained on the course's sample folder",
})
''')
