"""Exercise 04 — fine-tuning: discriminative learning rates, a partly frozen fine-tune, pitfalls, choosing a rate."""

import math

import torch

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, FunctionProblem, ThoughtProblem
from ._checks import require_cnn, require_untouched, same_tensor

MIN_HELD_OUT_ACC = 0.85  # solution: 0.88-0.92 over 6 seeds (30 epochs of `fit`: 0.87-0.89); lr 1e-5: far below
RESULTS = {1e-4: {"val": 0.80, "test": 0.79}, 1e-3: {"val": 0.87, "test": 0.82}, 1e-2: {"val": 0.84, "test": 0.83}}


def _layer_learning_rates(head_lr, num_blocks, mult):
    return [head_lr / mult ** (num_blocks - i) for i in range(num_blocks)] + [head_lr]


def _rate_cases():
    return [(1e-2, 3, 10), (1e-3, 1, 2), (0.1, 0, 10), (3e-3, 4, 2.6)]


def _relative_change(before, after):
    num = sum(float(((torch.as_tensor(after[k]) - torch.as_tensor(before[k])) ** 2).sum()) for k in before)
    den = sum(float((torch.as_tensor(before[k]) ** 2).sum()) for k in before)
    return math.sqrt(num / den)


def _change_cases():
    gen = torch.Generator().manual_seed(0)
    w = {"a": torch.tensor([3.0, 4.0])}
    two = {"conv": torch.randn(4, 3, generator=gen), "bias": torch.randn(4, generator=gen) * 10}
    moved = {"conv": two["conv"] + 1.0, "bias": two["bias"]}  # one tensor moves, the other does not
    return [(w, {"a": torch.tensor([3.0, 4.0])}), (w, {"a": torch.tensor([0.0, 0.0])}), (two, moved),
            ({"x": torch.ones(2, 2)}, {"x": 3 * torch.ones(2, 2)})]


def _check_partial_fine_tune(model, digits, test_idx):
    """Behaviour: first conv block frozen and untouched (BatchNorm included); later blocks and a new head trained."""
    from ..models import load_pretrained
    from ..train import evaluate

    require_cnn(model)
    reference = load_pretrained("cnn-printed-digits")
    if any(p.requires_grad for p in model.features[0].parameters()):
        raise CheckFailed("The first conv block is not frozen: its parameters still have requires_grad=True. "
                          "Use `models.freeze(model, up_to=1)`.")
    require_untouched(model.features[0], reference.features[0], "The first block")
    later = {name: p for name, p in model.features.named_parameters() if not name.startswith("0.")}
    if not all(p.requires_grad for p in later.values()):
        raise CheckFailed("Blocks 2 and 3 are frozen too: that is feature extraction, not fine-tuning. Freeze only "
                          "the first block (`up_to=1`).")
    ref_params = dict(reference.features.named_parameters())
    if all(same_tensor(p, ref_params[name]) for name, p in later.items()):
        raise CheckFailed("Blocks 2 and 3 are exactly as pretrained: they are trainable but were never trained. "
                          "Train the model after freezing the first block.")
    if same_tensor(model.head.weight, reference.head.weight):
        raise CheckFailed("The head is still the pretrained one: give the model a new head (`models.replace_head`).")
    acc = evaluate(model, (digits.X[test_idx], digits.y[test_idx]), device="cpu")["acc"]
    if acc < MIN_HELD_OUT_ACC:
        raise CheckFailed(f"Held-out accuracy is {acc:.3f}; this fine-tune reaches at least {MIN_HELD_OUT_ACC}. "
                          "Was the learning rate too high (it erases the pretrained features) or too low?")


def _check_chosen_lr(chosen_lr):
    try:
        lr = float(chosen_lr)
    except (TypeError, ValueError):
        raise CheckFailed(f"`chosen_lr` should be a number such as 1e-3, not {chosen_lr!r}.") from None
    best_val = max(RESULTS, key=lambda k: RESULTS[k]["val"])
    best_test = max(RESULTS, key=lambda k: RESULTS[k]["test"])
    match = [k for k in RESULTS if math.isclose(lr, k, rel_tol=1e-6)]
    if not match:
        raise CheckFailed(f"`chosen_lr` should be one of the rates that were tried: {', '.join(f'{k:g}' for k in RESULTS)}.")
    if match[0] == best_test and best_test != best_val:
        raise CheckFailed(f"{lr:g} has the best *test* accuracy. Choosing by test accuracy uses the test set to "
                          "make a decision, so the reported number is optimistic: choose on validation data.")
    if match[0] != best_val:
        raise CheckFailed(f"{lr:g} is not the rate with the best validation accuracy.")


PROBLEMS = {
    "q1": FunctionProblem(
        "04.q1", "layer_learning_rates", _layer_learning_rates, _rate_cases,
        hints=("The head gets `head_lr`; the last block `head_lr / mult`; the one before `head_lr / mult**2`; ...",
               "Return the list in network order: first block first, head last; its length is num_blocks + 1.",
               "`[head_lr / mult ** (num_blocks - i) for i in range(num_blocks)] + [head_lr]`"),
        solution=("def layer_learning_rates(head_lr, num_blocks, mult):\n"
                  "    return [head_lr / mult ** (num_blocks - i) for i in range(num_blocks)] + [head_lr]")),
    "q2": CustomProblem(
        "04.q2", ("model", "digits", "test_idx"), _check_partial_fine_tune,
        hints=("Load the pretrained model, give it a new 10-class head, freeze only its first block, then train.",
               "`models.freeze(model, up_to=1)` freezes the first layer of `model.features` (the first conv block).",
               "model = models.load_pretrained('cnn-printed-digits'); models.replace_head(model, 10); "
               "models.freeze(model, up_to=1); train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], "
               "val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0)"),
        solution=("model = models.load_pretrained(\"cnn-printed-digits\")\n"
                  "models.replace_head(model, num_classes=10)\n"
                  "models.freeze(model, up_to=1)\n"
                  "train.fit_steps(model, digits.X[train_idx], digits.y[train_idx],\n"
                  "                val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0)")),
    "q3": ChoiceProblem(
        "04.q3", "bn_pitfall", "b", ["a", "b", "c", "d"],
        why=("Gradients were off, so no weight moved; but BatchNorm layers in train mode overwrite their running "
             "mean and variance with the statistics of the batches they see. Lesson 04 measured the features "
             "changing by about 45 %."),
        hints=("Which numbers in a BatchNorm layer are not parameters, and are updated without any gradient?",),
        solution='bn_pitfall = "b"'),
    "q4": FunctionProblem(
        "04.q4", "relative_change", _relative_change, _change_cases,
        hints=("Treat all tensors together as one long vector of weights.",
               "Sum the squared differences over every tensor, and the squared weights of `before`; divide; square root.",
               "`math.sqrt(sum(((after[k] - before[k]) ** 2).sum() for k in before) / "
               "sum((before[k] ** 2).sum() for k in before))`"),
        solution=("def relative_change(before, after):\n"
                  "    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)\n"
                  "    size = sum((before[k] ** 2).sum() for k in before)\n"
                  "    return float((change / size) ** 0.5)")),
    "q5": CustomProblem(
        "04.q5", ("chosen_lr",), _check_chosen_lr,
        hints=("Which of the two columns may you look at when you choose?",),
        solution="chosen_lr = 1e-3"),
    "q6": ThoughtProblem(
        "04.q6",
        answer=("A new head starts random, so its first gradients are large and point in arbitrary directions; "
                "fine-tuning everything at once pushes those gradients into the pretrained backbone and distorts the "
                "features before the head has learned to use them. Training the head first on the frozen backbone "
                "(a linear probe) means fine-tuning starts from a sensible head, with small gradients, so the "
                "backbone moves less — lesson 04 measured a smaller weight change at the same accuracy, and Kumar et "
                "al. (2022) found that this keeps more robustness out of distribution."),
        hints=("What do the head's weights look like at step 0 of plain fine-tuning, and where do its gradients go?",)),
}
