"""Exercise 03 — feature extraction: pooling, a frozen extractor with a new head, choosing a layer."""

import torch

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, FunctionProblem, ThoughtProblem
from ._checks import require_cnn, require_untouched, same_tensor

MIN_HELD_OUT_ACC = 0.75  # frozen printed-digit features + a trained head: 0.81-0.85 over 3 seeds; untrained 0.04-0.08


def _global_average_pool(fmap):
    return torch.as_tensor(fmap).float().mean((2, 3))


def _pool_cases():
    gen = torch.Generator().manual_seed(0)
    return [(torch.arange(24.0).reshape(1, 2, 3, 4),), (torch.rand(5, 7, 4, 4, generator=gen),),
            (torch.rand(2, 3, 1, 1, generator=gen),), (torch.rand(3, 4, 2, 6, generator=gen) - 0.5,)]


def _check_frozen_extractor(model, digits, test_idx):
    """Behaviour of a trained feature extractor: frozen, unchanged base; a new, trained head; held-out accuracy."""
    from ..models import load_pretrained
    from ..train import evaluate

    require_cnn(model)
    reference = load_pretrained("cnn-printed-digits")
    trainable = [name for name, p in model.features.named_parameters() if p.requires_grad]
    if trainable:
        raise CheckFailed(f"The backbone is not frozen: {len(trainable)} of its parameter tensors still have "
                          f"requires_grad=True (e.g. {trainable[0]}). Call `models.freeze(model)`.")
    require_untouched(model.features, reference.features, "The backbone")
    if not any(p.requires_grad for p in model.head.parameters()):
        raise CheckFailed("The head is frozen too: only the backbone should be frozen.")
    if same_tensor(model.head.weight, reference.head.weight):
        raise CheckFailed("The head is still the pretrained one: give the model a new head (`models.replace_head`) "
                          "and train it.")
    acc = evaluate(model, (digits.X[test_idx], digits.y[test_idx]), device="cpu")["acc"]
    if acc < MIN_HELD_OUT_ACC:
        raise CheckFailed(f"Held-out accuracy is {acc:.3f}; a trained head on these frozen features reaches at "
                          f"least {MIN_HELD_OUT_ACC}. Did you train the new head (`train.fit`) on the training split?")


PROBLEMS = {
    "q1": FunctionProblem(
        "03.q1", "global_average_pool", _global_average_pool, _pool_cases,
        hints=("A feature map has shape (N, C, H, W): one H×W map per channel per image.",
               "Average over the two spatial dimensions only, keeping N and C.",
               "`fmap.mean((2, 3))`"),
        solution="def global_average_pool(fmap):\n    return fmap.mean((2, 3))"),
    "q2": CustomProblem(
        "03.q2", ("model", "digits", "test_idx"), _check_frozen_extractor,
        hints=("Three steps: load the pretrained model, freeze its backbone, give it a new head for 10 classes; then train.",
               "`models.freeze(model)` then `models.replace_head(model, 10)`; train with `train.fit(model, (X, y), ...)`.",
               "model = models.load_pretrained('cnn-printed-digits'); models.freeze(model); models.replace_head(model, 10); "
               "train.fit(model, (digits.X[train_idx], digits.y[train_idx]), num_epochs=30, lr=1e-2, seed=0)"),
        solution=("model = models.load_pretrained(\"cnn-printed-digits\")\n"
                  "models.freeze(model)\n"
                  "models.replace_head(model, num_classes=10)\n"
                  "train.fit(model, (digits.X[train_idx], digits.y[train_idx]), num_epochs=30, lr=1e-2, seed=0)")),
    "q3": ChoiceProblem(
        "03.q3", "best_depth", "middle", ["early", "middle", "last"],
        why=("In lesson 03 the probe on middle blocks (3-11) beat the last layer by about 15-20 points on the "
             "texture patches, and the first blocks too: textures are mid-level patterns."),
        hints=("Look at the depth plot of lesson 03: where is the pretrained curve highest?",),
        solution='best_depth = "middle"'),
    "q4": ThoughtProblem(
        "03.q4",
        answer=("Caching is exact when the base is a fixed function of fixed inputs: frozen weights, evaluation "
                "mode, and no random augmentation. With random crops/flips every epoch sees new inputs, so cached "
                "features of the un-augmented images train a different (less regularised) head; and when the base "
                "is fine-tuned its features change every step, so a cache goes stale immediately."),
        hints=("What must stay the same between epochs for the stored features to be the ones the model would compute?",)),
}
