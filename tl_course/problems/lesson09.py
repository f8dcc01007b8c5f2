"""Exercise 09 — the workflow: precision/recall, ECE, temperature on validation, an export round trip, a monitor."""

import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..grading import CheckFailed, ChoiceProblem, ThoughtProblem, call_learner, require_returned, with_ids
from ._checks import CustomCheck, Function, as_number, kind_of, self_check


# ----------------------------------------------------------------------------------------------
# q1 precision, recall, F1 · q2 expected calibration error


def _prf(y_true, y_pred):
    from ..evaluate import precision_recall_f1

    if not (np.any(np.asarray(y_true) == 1) or np.any(np.asarray(y_pred) == 1)):
        return 0.0, 0.0, 0.0          # the question's rule; the package refuses a positive label found nowhere
    return precision_recall_f1(y_true, y_pred, positive=1)


def _prf_cases():
    rng = np.random.default_rng(9)
    rare = (rng.random(200) < 0.05).astype(int)
    guess = np.where(rng.random(200) < 0.9, rare, 1 - rare)
    return [([1, 0, 1, 1, 0, 0, 0, 1], [1, 0, 0, 1, 1, 0, 0, 0]),           # lists: P 2/3, R 2/4
            (rare, guess),                                                  # a rare positive class
            (np.array([1, 1, 0, 0, 0]), np.array([0, 0, 0, 0, 0])),         # nothing predicted positive: P = 0
            (np.array([0, 0, 0, 0]), np.array([1, 0, 1, 0])),               # no positives at all: R = 0
            (torch.tensor([1, 0, 0, 0, 0, 0, 1]), torch.tensor([1, 1, 1, 0, 0, 0, 1])),   # tensors; P ≠ R
            (np.array([1, 1, 1, 0]), np.array([1, 1, 1, 0])),               # perfect
            (np.zeros(6, dtype=int), np.zeros(6, dtype=int))]               # no positive anywhere: 0/0 → 0


def _ece(probs, y, bins=15):
    from ..evaluate import expected_calibration_error

    return expected_calibration_error(probs, y, bins=bins)


def _softmax(z):
    z = np.asarray(z, float)
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def _ece_cases():
    rng = np.random.default_rng(10)
    sharp = _softmax(rng.normal(size=(300, 5)) * 4)                # confident, often wrong: large ECE
    y_sharp = np.where(rng.random(300) < 0.5, sharp.argmax(1), rng.integers(0, 5, 300))
    soft = _softmax(rng.normal(size=(400, 3)) * 0.5)                # under-confident
    y_soft = np.where(rng.random(400) < 0.8, soft.argmax(1), rng.integers(0, 3, 400))
    certain = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])  # confidence exactly 1
    edges = np.array([[0.5, 0.3, 0.2], [0.6, 0.3, 0.1], [0.7, 0.2, 0.1], [0.8, 0.1, 0.1], [0.9, 0.05, 0.05],
                      [1.0, 0.0, 0.0]])                              # 0.6 and 0.8 sit on edges of 5 bins; 1.0 too
    return [(sharp, y_sharp, 15), (soft, y_soft, 15), (soft, y_soft, 5), (certain, np.array([0, 2, 1, 1]), 10),
            (edges, np.array([0, 0, 0, 1, 0, 0]), 5),
            (sharp[:50].tolist(), y_sharp[:50].tolist(), 15), (torch.tensor(soft[:80]), torch.tensor(y_soft[:80]), 8)]


# ----------------------------------------------------------------------------------------------
# q3 temperature fitted on validation


def _calibration_case(seed: int, t_val: float, t_test: float, n_val: int = 300, n_test: int = 500):
    """Logits whose best temperature differs between validation and test: fitting on test gives another T."""
    rng = np.random.default_rng(seed)

    def draw(n, T):
        z = rng.normal(size=(n, 4)) * 2.5
        y = np.array([rng.choice(4, p=p) for p in _softmax(z)])       # labels drawn from softmax(z)
        return torch.tensor(z * T, dtype=torch.float32), torch.tensor(y)   # the right temperature is T

    return (*draw(n_val, t_val), *draw(n_test, t_test))


def _reference_calibration(val_logits, y_val, test_logits, y_test):
    from ..evaluate import apply_temperature, expected_calibration_error, fit_temperature

    T = fit_temperature(val_logits, y_val)
    return T, expected_calibration_error(test_logits.softmax(1), y_test), \
        expected_calibration_error(apply_temperature(test_logits, T), y_test)


def _nll(logits, y, T):
    return float(torch.nn.functional.cross_entropy(logits.double() / T, y))


def _check_calibrate(calibrate):
    from ..evaluate import apply_temperature, expected_calibration_error, fit_temperature

    if not callable(calibrate):
        raise CheckFailed(f"`calibrate` should be a function, but it is {kind_of(calibrate)}.")
    for i, (seed, t_val, t_test) in enumerate(((0, 0.5, 2.0), (1, 3.0, 0.7), (2, 1.5, 1.5)), start=1):
        case = _calibration_case(seed, t_val, t_test)
        T_ref, before, after = _reference_calibration(*case)
        given = [c.clone() for c in case]
        got = require_returned(call_learner(calibrate, *given), "calibrate")
        if any(not torch.equal(a, b) for a, b in zip(given, case)):
            raise CheckFailed(f"On test case {i}, `calibrate` changed the logits or labels it was given in place: work "
                              "on new tensors (`logits / T`, not `logits /= T`), so the caller's data stay as they were.")
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailed(f"On test case {i}, `calibrate` returned {kind_of(got)}; return three numbers: "
                              "(T, ece_before, ece_after).")
        T, ece_before, ece_after = (as_number(v, name) for v, name in zip(got, ("T", "ece_before", "ece_after")))
        val_logits, y_val, test_logits, y_test = case
        if T <= 0:
            raise CheckFailed(f"On test case {i}, `calibrate` returned T = {T:g}; a temperature is positive.")
        if not np.isclose(T, T_ref, rtol=0.03):
            T_test = fit_temperature(test_logits, y_test)
            T_both = fit_temperature(torch.cat([val_logits, test_logits]), torch.cat([y_val, y_test]))
            if np.isclose(T, T_test, rtol=0.03):
                raise CheckFailed(f"On test case {i}, T = {T:.3f} is the temperature that fits the *test* logits best: "
                                  "fit T on the validation logits only; the test set only measures the result.")
            if np.isclose(T, T_both, rtol=0.03):
                raise CheckFailed(f"On test case {i}, T = {T:.3f} was fitted on validation and test together: fit it "
                                  "on the validation logits only.")
            if np.isclose(T, 1 / T_ref, rtol=0.03):
                raise CheckFailed(f"On test case {i}, T = {T:.3f} is 1 / {1 / T:.3f}: the probabilities are "
                                  "softmax(logits / T); return that T.")
            raise CheckFailed(f"On test case {i}, T = {T:.3f}, but the temperature minimising the negative "
                              f"log-likelihood of the validation logits is {T_ref:.3f}.")
        if _nll(val_logits, y_val, T) > _nll(val_logits, y_val, T_ref) + 1e-4:
            raise CheckFailed(f"On test case {i}, T = {T:.4f} is close to the best temperature but not at the minimum of "
                              "the validation negative log-likelihood: search more finely (`evaluate.fit_temperature`).")
        if not np.isclose(ece_before, before, atol=1e-6):
            raise CheckFailed(f"On test case {i}, ece_before = {ece_before:.4f}, expected {before:.4f}: the ECE (15 "
                              "bins) of softmax(test_logits) against y_test, before any temperature.")
        want_after = expected_calibration_error(apply_temperature(test_logits, T), y_test)
        if not np.isclose(ece_after, want_after, atol=1e-6):
            wrong_way = expected_calibration_error(apply_temperature(test_logits, 1 / T), y_test)
            if np.isclose(ece_after, wrong_way, atol=1e-6):
                raise CheckFailed(f"On test case {i}, ece_after was computed with the logits multiplied by T; divide "
                                  "them: softmax(test_logits / T).")
            raise CheckFailed(f"On test case {i}, ece_after = {ece_after:.4f}, expected {want_after:.4f}: the ECE "
                              "(15 bins) of softmax(test_logits / T) against y_test.")


# ----------------------------------------------------------------------------------------------
# q4 export round trip


class _EagerOffset(nn.Module):
    """Adds `offset` to the logits when run eagerly, nothing when traced: a known gap between model and export.

    Like a data-dependent Python branch, it is what a trace cannot record; here it makes the true difference a
    known, non-zero number, so a `difference` that was not computed from the two models' outputs cannot pass.
    """

    def __init__(self, offset: torch.Tensor):
        super().__init__()
        self.register_buffer("offset", offset)

    def forward(self, x):
        return x if torch.jit.is_tracing() else x + self.offset


def _exportable(seed: int) -> nn.Module:
    """A small conv net with BatchNorm, dropout and an eager-only offset, left in train mode with moved BN statistics."""
    from ..models import SmallCNN
    from ..runtime import seeded

    with seeded(seed):
        model = SmallCNN(num_classes=4, width=8)
        offset = torch.tensor([0.08, -0.02, 0.04, -0.01]) * (1 if seed == 0 else -2)   # largest gap: + then −
        model.head = nn.Sequential(nn.Dropout(0.5), model.head, _EagerOffset(offset))
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(torch.rand(16, 1, 8, 8) * 2)                   # BN running statistics move away from 0/1
    return model


def _check_export(export_round_trip):
    if not callable(export_round_trip):
        raise CheckFailed(f"`export_round_trip` should be a function, but it is {kind_of(export_round_trip)}.")
    for i, seed in enumerate((0, 1), start=1):
        model = _exportable(seed)
        weights = {k: v.clone() for k, v in model.state_dict().items()}
        X, other = torch.rand(3, 1, 8, 8, generator=torch.Generator().manual_seed(seed)), torch.rand(5, 1, 8, 8)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sub" / "model.pt"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")                       # the trace warns about the eager-only offset
                got = require_returned(call_learner(export_round_trip, model, X.clone(), path), "export_round_trip")
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise CheckFailed(f"On test case {i}, `export_round_trip` returned {kind_of(got)}; return two things: "
                                  "(the model loaded back from `path`, the largest absolute difference).")
            loaded, difference = got
            if any(not torch.equal(v, model.state_dict()[k]) for k, v in weights.items()):
                raise CheckFailed(f"On test case {i}, `export_round_trip` changed the model's weights or BatchNorm "
                                  "statistics: exporting must not run the model in train mode or train it.")
            if not Path(path).exists():
                raise CheckFailed(f"On test case {i}, nothing was saved at `path` ({path}); save the traced model there "
                                  "(its folder may not exist yet).")
            try:
                from_file = torch.jit.load(str(path))
            except Exception:  # noqa: BLE001 — any failure means the file is not TorchScript
                raise CheckFailed(f"On test case {i}, the file at `path` is not a TorchScript model "
                                  "(`torch.jit.load` cannot read it): trace with `torch.jit.trace` and save with "
                                  "`torch.jit.save`, not `torch.save`.") from None
            if not isinstance(loaded, torch.jit.ScriptModule) or isinstance(loaded, torch.jit.TracedModule):
                raise CheckFailed(f"On test case {i}, the first value returned is {kind_of(loaded)}; return the module "
                                  "loaded back from the file (`torch.jit.load(path)`), so the check tests the file.")
            model.eval()
            offset = model.head[-1].offset
            with torch.no_grad():
                want = model(other) - offset                             # what the trace records
                if torch.allclose(from_file(other), want + offset, atol=1e-5):
                    raise CheckFailed(f"On test case {i}, the saved model is not a trace: use `torch.jit.trace(model, X)` "
                                      "as asked (this model has a step a trace records differently).")
                if not torch.allclose(from_file(other), want, atol=1e-5):
                    raise CheckFailed(f"On test case {i}, the saved model's outputs differ from the model's in eval "
                                      "mode: trace the model after `model.eval()` (in train mode, dropout and "
                                      "BatchNorm's batch statistics are recorded into the trace).")
                if not torch.allclose(loaded(other), want, atol=1e-5):
                    raise CheckFailed(f"On test case {i}, the returned module does not compute the model's outputs.")
                true_difference = float((loaded(X) - model(X)).abs().max())     # = the largest |offset|
            value = as_number(difference, "difference")
            if not np.isclose(value, true_difference, atol=1e-6):
                raise CheckFailed(f"On test case {i}, the difference returned is {value:.3g}, but the largest absolute "
                                  f"difference between the loaded and the eval-mode model's outputs on X is "
                                  f"{true_difference:.3g}.")


# ----------------------------------------------------------------------------------------------
# q5 the monitor's statistic · q6 its threshold


def _statistic(batch_features, reference_features):
    from ..monitor import ShiftMonitor

    return ShiftMonitor().fit(reference_features).statistic(batch_features)


def _statistic_cases():
    rng = np.random.default_rng(11)
    ref = np.abs(rng.normal(size=(120, 6)))
    near = np.abs(rng.normal(size=(20, 6)))
    far = np.abs(rng.normal(size=(20, 6))) * np.array([3, 1, 1, 1, 1, 0.2])
    scaled = near * rng.uniform(0.1, 10, (20, 1))                      # rows of very different lengths
    with_zero = near.copy()
    with_zero[0] = 0.0                                                  # a flat dark patch: all features 0
    ref_zero = ref.copy()
    ref_zero[:3] = 0.0
    return [(near, ref), (far, ref), (scaled, ref), (with_zero, ref), (near, ref_zero),
            (far.tolist(), ref.tolist()), (torch.tensor(far, dtype=torch.float32), torch.tensor(ref, dtype=torch.float32))]


def _threshold_cases():
    rng = np.random.default_rng(12)
    ref = np.abs(rng.normal(size=(100, 5)))
    batches = [np.abs(rng.normal(size=(16, 5))) * rng.uniform(0.9, 1.1, 5) for _ in range(200)]
    return [(batches, ref, 0.05), (batches, ref, 0.2), (batches[:120], ref, 0.1), (batches[:10], ref, 0.05)]


def _check_threshold(alarm_threshold):
    if not callable(alarm_threshold):
        raise CheckFailed(f"`alarm_threshold` should be a function, but it is {kind_of(alarm_threshold)}.")
    for i, (batches, ref, rate) in enumerate(_threshold_cases(), start=1):
        stats = np.array([_statistic(b, ref) for b in batches])
        given = [b.copy() for b in batches], ref.copy()
        got = require_returned(call_learner(alarm_threshold, *given, rate), "alarm_threshold")
        if any(not np.array_equal(a, b) for a, b in zip(given[0], batches)) or not np.array_equal(given[1], ref):
            raise CheckFailed(f"On test case {i}, `alarm_threshold` changed the features it was given in place: work on "
                              "new arrays, so the caller's batches stay as they were.")
        t = as_number(got, "alarm_threshold(...)")
        above = float((stats > t).mean())
        if abs(above - rate) > 1.0 / len(stats) + 1e-9:
            flipped = abs(above - (1 - rate)) <= 1.0 / len(stats) + 1e-9
            raise CheckFailed(f"On test case {i} (false_alarm_rate={rate}), {above:.0%} of the clean batches' statistics "
                              f"exceed the threshold {t:.4g}; it should be about {rate:.0%}"
                              + (": use the (1 − false_alarm_rate) quantile, not the false_alarm_rate one."
                                 if flipped else ": the (1 − false_alarm_rate) quantile of the clean batches' statistics."))


PROBLEMS = with_ids(__name__, {
    "q1": Function(
        "precision_recall_f1", _prf, _prf_cases, pure=True,
        hints=("Count true positives (predicted 1, truly 1), false positives (predicted 1, truly 0) and false negatives.",
               "precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·P·R / (P + R); a 0/0 is 0 here.",
               "`tp = np.sum((p == 1) & (t == 1))` with `t, p = np.asarray(y_true), np.asarray(y_pred)`; then guard "
               "each division: `tp / (tp + fp) if tp + fp else 0.0`")),
    "q2": Function(
        "expected_calibration_error", _ece, _ece_cases, pure=True, returns_float=True,
        hints=("Confidence = the largest probability of a row; correct = its argmax equals the label.",
               "Bin b holds the confidences in (b/bins, (b+1)/bins]; a confidence of 1.0 is in the last bin. For each "
               "non-empty bin: |mean correct − mean confidence|, weighted by the fraction of rows in the bin.",
               "`b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)`, then sum over bins of "
               "`(b == k).mean() * abs(correct[b == k].mean() - conf[b == k].mean())`")),
    "q3": CustomCheck(
        ("calibrate",), _check_calibrate,
        hints=("`evaluate.fit_temperature(val_logits, y_val)` finds T on validation; never give it test logits.",
               "ECE before: `softmax(test_logits)`; after: `evaluate.apply_temperature(test_logits, T)`; both against y_test.",
               "`T = evaluate.fit_temperature(val_logits, y_val); before = expected_calibration_error(test_logits.softmax(1), "
               "y_test); after = expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)`")),
    "q4": CustomCheck(
        ("export_round_trip",), _check_export, in_kernel=True,
        hints=("Put the model in eval mode, trace it on X, save the trace to `path`, load it back from the file.",
               "`torch.jit.trace(model.eval(), X)`; `torch.jit.save(traced, str(path))` after creating the folder; "
               "`loaded = torch.jit.load(str(path))`.",
               "Return `loaded` and `(loaded(X) - model(X)).abs().max().item()` computed under `torch.no_grad()`; "
               "`export.to_torchscript(model, X, path)` does the first three steps.")),
    "q5": Function(
        "shift_statistic", _statistic, _statistic_cases, pure=True, returns_float=True, rtol=1e-4, atol=1e-9,
        hints=("Scale every row (of both arrays) to length 1, average the rows of each, and compare the two means.",
               "A row of zeros has length 0: divide by `max(length, 1e-8)` so it stays zero instead of becoming NaN.",
               "`unit = lambda F: F / np.maximum(np.linalg.norm(F, axis=1, keepdims=True), 1e-8)`; "
               "`return float(((unit(B).mean(0) - unit(R).mean(0)) ** 2).sum())`")),
    "q6": CustomCheck(
        ("alarm_threshold",), _check_threshold,
        hints=("Compute the statistic of every clean batch; the threshold is the value only `false_alarm_rate` of them "
               "exceed.",
               "That is a quantile: `np.quantile(statistics, 1 - false_alarm_rate)`.",
               "`stats = [shift_statistic(b, reference_features) for b in clean_batches]; "
               "return float(np.quantile(stats, 1 - false_alarm_rate))`")),
    "q7": ChoiceProblem(
        "why_alarms", "b", ["a", "b", "c", "d"],
        why=("The training photos define the reference mean, so batches drawn from them sit unusually close to it; a "
             "threshold set on them is too low for any other clean photos — in lesson 09 it fired on a quarter to "
             "nearly all of the clean deployment batches. Set the threshold again on clean batches of the deployment "
             "stream."),
        hints=("Lesson 09, section 6: what happened to the monitor whose threshold came from the training photos?",)),
    "q8": ThoughtProblem(
        answer=("When the validation set does not look like the data in use — another camera, another season, another "
                "class mix — the T that fits validation best can be wrong for deployment, and temperature scaling can "
                "even raise the ECE there. With a tiny validation set T is noisy as well. Refit T on a labelled sample "
                "of the deployment data whenever the monitor says the inputs have moved."),
        hints=("Temperature scaling learns one number from the validation set: when is that number the wrong one?",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "rare_metric", "b", ["a", "b", "c"],
        why=("Always answering 'negative' already scores 95 % at 5 % prevalence, so 96.6 % says almost nothing about "
             "the positives: the plain classifier's recall was 0.33–0.46 — it missed most of them.")),
    "c2": self_check(
        "temperature_direction", "a", ["a", "b", "c"],
        why=("Dividing the logits by T < 1 makes them larger, so the softmax sharpens: the model was right more often "
             "than its probabilities said (under-confident). The predicted class never changes.")),
    "c3": self_check(
        "threshold_source", "c", ["a", "b", "c"],
        why=("Clean batches of the deployment stream: set on the training photos, whose own mean is the reference, the "
             "threshold is too low and the monitor cries wolf on clean photos (a quarter to nearly all batches in "
             "lesson 09).")),
    "c4": self_check(
        "int8_effect", "b", ["a", "b", "c"],
        why=("Dynamic quantisation converts nn.Linear layers only; in a conv net that is just the head, so the "
             "convolutions — nearly all the weights — stay 32-bit floats (13.8 MB before and after).")),
})
