"""Checks shared by the model-behaviour problems of several exercises."""

import torch

from ..grading import CheckFailed


def require_cnn(model) -> None:
    """`model` must be a network with the course's `features`/`head` split."""
    if not isinstance(model, torch.nn.Module) or not hasattr(model, "features") or not hasattr(model, "head"):
        raise CheckFailed("`model` should be the pretrained CNN (with `.features` and `.head`), not "
                          f"{type(model).__name__}.")


def same_tensor(a, b) -> bool:
    """Equal shape and values (on the CPU, as floats)."""
    return a.shape == b.shape and torch.allclose(a.detach().float().cpu(), b.detach().float().cpu())


def require_untouched(module, reference, what: str) -> None:
    """A frozen `module` must hold exactly `reference`'s weights and BatchNorm statistics; `what` names it."""
    state, ref_state = module.state_dict(), reference.state_dict()
    changed = [k for k in ref_state if k not in state or not same_tensor(state[k], ref_state[k])]
    if changed and all("running_" in k or "num_batches" in k for k in changed):
        raise CheckFailed(f"{what}'s BatchNorm statistics drifted during training ({changed[0]}): "
                          "`requires_grad=False` is not enough — `models.freeze` also keeps frozen layers in "
                          "evaluation mode, so their statistics stay fixed.")
    if changed:
        raise CheckFailed(f"{what}'s weights changed ({changed[0]}): it was trained, not frozen, or it is not the "
                          "`cnn-printed-digits` model.")
