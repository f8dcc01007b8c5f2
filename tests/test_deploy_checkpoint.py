"""Checkpoints and one-image prediction (`deploy`): a round trip keeps outputs and metadata, a top-k for a file."""

import numpy as np
import pytest
import torch
from PIL import Image

from tl_course import data, deploy
from tl_course.models import SmallCNN


def _trained_like_model(seed=0):
    """A SmallCNN(3 classes, RGB) whose weights *and* BatchNorm buffers differ from a fresh one."""
    torch.manual_seed(seed)
    model = SmallCNN(num_classes=3, in_channels=3, width=8)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(8, 3, 16, 16) * 2)                              # moves the running statistics
    return model.eval()


def test_checkpoint_round_trip_keeps_outputs_and_metadata(tmp_path):
    model = _trained_like_model()
    X = torch.rand(5, 3, 16, 16)
    with torch.no_grad():
        expected = model(X).softmax(1)
    path = deploy.save_checkpoint(model, tmp_path / "runs" / "best.pt", classes=["ant", "bee", "cat"], size=16,
                                  note="lesson 09 test")
    assert path == tmp_path / "runs" / "best.pt" and path.is_file()
    fresh = SmallCNN(num_classes=3, in_channels=3, width=8)
    with torch.no_grad():
        assert not torch.allclose(fresh.eval()(X).softmax(1), expected, atol=1e-4)  # so the load must do the work
    predictor = deploy.load_checkpoint(path, fresh)
    assert predictor.classes == ("ant", "bee", "cat") and predictor.size == 16 and predictor.color is True
    assert not predictor.model.training
    assert torch.allclose(predictor.probabilities(X), expected, atol=1e-6)
    saved = torch.load(path, weights_only=True)                              # plain types: the safe loader reads it
    assert saved["classes"] == ["ant", "bee", "cat"] and saved["size"] == 16 and saved["color"] is True
    assert saved["note"] == "lesson 09 test" and saved["torch"] == str(torch.__version__)
    assert "centre-cropped to 16×16" in saved["preprocessing"]
    assert all(v.device.type == "cpu" for v in saved["state_dict"].values())


def test_load_checkpoint_refuses_another_architecture_and_a_missing_file(tmp_path):
    path = deploy.save_checkpoint(_trained_like_model(), tmp_path / "m.pt", classes=["a", "b", "c"], size=16)
    for other in (SmallCNN(num_classes=4, in_channels=3, width=8), SmallCNN(num_classes=3, in_channels=1, width=8),
                  torch.nn.Linear(3, 3)):
        with pytest.raises(ValueError, match="belongs to another architecture or number of classes"):
            deploy.load_checkpoint(path, other)
    with pytest.raises(FileNotFoundError, match="nothing.pt"):
        deploy.load_checkpoint(tmp_path / "nothing.pt", SmallCNN(num_classes=3, in_channels=3))


def test_predict_image_uses_read_image_and_sorts_the_top_classes(tmp_path):
    path = deploy.save_checkpoint(_trained_like_model(1), tmp_path / "m.pt", classes=["ant", "bee", "cat"], size=16)
    predictor = deploy.load_checkpoint(path, SmallCNN(num_classes=3, in_channels=3, width=8))
    photo = tmp_path / "photo.webp"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (30, 50, 3), dtype=np.uint8)).save(photo, quality=90)
    P = predictor.probabilities(data.read_image(photo, 16)[None])[0]
    order = P.argsort(descending=True).tolist()
    top2 = predictor.predict_image(photo, top=2)
    assert [name for name, _ in top2] == [predictor.classes[i] for i in order[:2]]
    assert [p for _, p in top2] == pytest.approx(P[order[:2]].tolist(), abs=1e-6)
    assert top2[0][1] >= top2[1][1] and sum(p for _, p in top2) <= 1 + 1e-6
    everything = predictor.predict_image(photo, top=5)                      # more than there are classes: all 3
    assert len(everything) == 3 and sum(p for _, p in everything) == pytest.approx(1, abs=1e-5)
