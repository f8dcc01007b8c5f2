"""Export a fine-tuned model for deployment, and the numbers that compare the exported versions.

    scripted = to_torchscript(model, X[:2], "export/model.pt")   # one file; loads without the model's Python code
    onnx_model = to_onnx(model, X[:2], "export/model.onnx")      # runs in ONNX Runtime (the `onnx` extra)
    small = quantize_dynamic(model)                              # Linear layers in int8
    max_abs_difference(model, scripted, X)                       # ~1e-7: the round trip kept the model
    rows = [deployment_row("eager", model, X, y, size_mb=file_size_mb(model)), ...]

Taught in lesson 09. Every export is traced on an example batch: the file records the operations that batch ran
through, so Python `if`s on the input are frozen at the branch the example took.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import warnings
from pathlib import Path

import torch
from torch import nn

from . import checks
from .models import MissingExtraError, device_of, evaluating, latency_ms


@contextlib.contextmanager
def _quiet_export(example: torch.Tensor):
    """Hide the export warnings known to be harmless here; every other warning still shows.

    - TorchScript's and the legacy ONNX exporter's deprecation notices (the functions still work in torch 2.14);
    - ONNX "Constant folding ... not applied" (an optimisation skipped, the graph is still exact);
    - the tracer's warning about the course backbones' grey→RGB `if` (`models._ImageNetInput`), but only for a
      3-channel example: the trace then keeps "no repeat", and a grey input still gives the same numbers because
      the normalisation broadcasts it to 3 channels. A grey example would freeze the repeat: that warning shows.
      A learner's own model's tracer warnings always show.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.\w+` is deprecated", category=FutureWarning)
        warnings.filterwarnings("ignore", message=r"You are using the legacy TorchScript-based ONNX export",
                                category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=r"The feature will be removed", category=DeprecationWarning,
                                module=r"torch\.onnx")
        warnings.filterwarnings("ignore", message=r"Constant folding - Only steps=1", category=UserWarning)
        if example.dim() == 4 and example.shape[1] == 3:
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning, module=r"tl_course\.models")
        yield


def _prepare(path, model, example) -> tuple[Path, torch.Tensor]:
    """The output path (its folders created) and the example batch as a float tensor on the model's device."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, checks.as_inputs(example, "example").to(device_of(model))


def to_torchscript(model: nn.Module, example: torch.Tensor, path) -> torch.jit.ScriptModule:
    """Trace `model` (in eval mode) on the batch `example` (N, C, H, W), save it to `path`, return the file loaded back.

    The returned module is what `torch.jit.load(path)` gives anywhere (no `tl_course` needed), so comparing it with
    `model` tests the whole round trip. It accepts any batch size but expects inputs like `example`: a model from
    `models.load_efficientnet_lite0` traced on RGB batches expects 3 channels. TorchScript is deprecated in favour
    of `torch.export` from torch 2.10 on; its deprecation notices are silenced here (see `_quiet_export`).
    """
    path, example = _prepare(path, model, example)
    with evaluating(model), torch.no_grad(), _quiet_export(example):
        traced = torch.jit.trace(model, example)
        torch.jit.save(traced, str(path))
        return torch.jit.load(str(path))


def _onnx_modules():
    """Import `onnx` and `onnxruntime`, or say which extra installs them."""
    try:
        import onnx
        import onnxruntime
    except ImportError:
        raise MissingExtraError('ONNX export needs the optional extra: pip install -e ".[onnx]" '
                                '(onnx and onnxruntime).') from None
    return onnx, onnxruntime


class OnnxPredictor:
    """An exported ONNX model run by ONNX Runtime on the CPU: `predictor(X)` maps images (N, C, H, W) to logits (N, K).

    ONNX Runtime gets as many threads as torch (`torch.get_num_threads()`), so latencies compare like with like.
    """

    def __init__(self, path, num_threads: int | None = None):
        _, ort = _onnx_modules()
        self.path = Path(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads() if num_threads is None else num_threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        """Logits (N, K) as a CPU tensor for a batch of images (N, C, H, W)."""
        x = X.detach().to("cpu", torch.float32).numpy()
        return torch.from_numpy(self.session.run(None, {self.input_name: x})[0])

    def __repr__(self) -> str:
        return f"OnnxPredictor({str(self.path)!r})"


def to_onnx(model: nn.Module, example: torch.Tensor, path) -> OnnxPredictor:
    """Export `model` (eval mode, traced on `example` (N, C, H, W)) to ONNX at `path`; return it loaded in ONNX Runtime.

    The batch axis is dynamic; everything else is fixed by `example` (as for `to_torchscript`). Uses torch's
    TorchScript-based exporter (`dynamo=False`): it needs only `onnx`, not `onnxscript`. The file is checked with
    `onnx.checker` before it is loaded. Needs the `onnx` extra: pip install -e ".[onnx]".
    """
    onnx, _ = _onnx_modules()
    path, example = _prepare(path, model, example)
    with evaluating(model), torch.no_grad(), _quiet_export(example):
        torch.onnx.export(model, (example,), str(path), dynamo=False, input_names=["images"],
                          output_names=["logits"], dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
    onnx.checker.check_model(str(path))
    return OnnxPredictor(path)


def quantize_dynamic(model: nn.Module) -> nn.Module:
    """A CPU copy of `model` in eval mode with every `nn.Linear` in int8 (dynamic quantisation); `model` is untouched.

    Weights are stored as 8-bit integers and activations quantised on the fly (Jacob et al., 2018), so a Linear
    layer shrinks about 4×. Only Linear layers change: in a CNN the convolutions, most of the weights, stay
    float32. Runs on the CPU only. `torch.ao.quantization` is deprecated in torch 2.14 (its successor is the
    separate `torchao` package); its deprecation warnings are silenced around this one call.
    """
    try:
        from torch.ao.quantization import quantize_dynamic as quantize
    except ImportError:
        raise ImportError(f"quantize_dynamic needs `torch.ao.quantization`, which torch {torch.__version__} no longer "
                          f"has: use the `torchao` package's `quantize_` instead.") from None
    if not isinstance(model, nn.Module):
        raise TypeError(f"`model` must be a torch module (nn.Module); got {type(model).__name__}.")
    clone = copy.deepcopy(model).cpu().eval()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"torch\.ao\.quantization is deprecated", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor.* are deprecated", category=UserWarning)
        return quantize(clone, {nn.Linear}, dtype=torch.qint8)


def file_size_mb(obj) -> float:
    """Size in MB (1e6 bytes) of a file (a path), or of a module's `torch.save(state_dict)` (measured in memory)."""
    if isinstance(obj, nn.Module):
        buffer = io.BytesIO()
        torch.save(obj.state_dict(), buffer)
        return buffer.getbuffer().nbytes / 1e6
    if isinstance(obj, (str, os.PathLike)):
        if not os.path.isfile(obj):
            raise FileNotFoundError(f"`obj` must be an existing file or a module; there is no file {str(obj)!r}.")
        return os.path.getsize(obj) / 1e6
    raise TypeError(f"`obj` must be a path to a file or a torch module; got {type(obj).__name__}.")


def _logits(model, X: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """A model's (or a callable's) outputs (N, K) for inputs (N, ...), in eval mode, without gradients, on the CPU."""
    device = device_of(model)
    with evaluating(model), torch.no_grad():
        return torch.cat([model(X[i:i + batch_size].to(device)).float().cpu() for i in range(0, len(X), batch_size)])


def max_abs_difference(a, b, X) -> float:
    """Largest |logits of `a` − logits of `b`| on inputs `X` (N, ...); `a`, `b`: modules (in eval mode) or callables."""
    X = checks.as_inputs(X, "X")
    out_a, out_b = _logits(a, X), _logits(b, X)
    if out_a.shape != out_b.shape:
        raise ValueError(f"`a` and `b` must give outputs of the same shape; got {tuple(out_a.shape)} and "
                         f"{tuple(out_b.shape)}.")
    return float((out_a - out_b).abs().max())


def deployment_row(name: str, model, X_test, y_test, *, size_mb: float, latency_X=None, repeats: int = 31) -> dict:
    """One row of a deployment table (`plots.format_table(rows)`): size, latency of one image at a time, accuracy.

    `model` is a module (eager, TorchScript, quantised) or a callable such as an `OnnxPredictor`; `size_mb` is
    what `file_size_mb` measured. The latency is the median over `repeats` single-image predictions on the first
    image of `latency_X` (default: of `X_test`), on the model's device.
    """
    X_test, y_test = checks.as_pair((X_test, y_test), "(X_test, y_test)")
    size_mb = checks.number(size_mb, "size_mb", low=0)
    repeats = checks.whole(repeats, "repeats")
    one = (X_test if latency_X is None else checks.as_inputs(latency_X, "latency_X"))[:1]
    with evaluating(model):
        ms = latency_ms(model, one.to(device_of(model)), device=device_of(model), repeats=repeats)
    accuracy = float((_logits(model, X_test).argmax(1) == y_test).float().mean())
    return {"model": name, "size (MB)": size_mb, "ms / image (batch 1)": ms, "accuracy": accuracy}
