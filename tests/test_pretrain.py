"""The shipped noisy-label sources of lesson 06 match the recipe that reproduces them."""

import pytest
import torch

from tl_course import data, models, pretrain, train


def test_corrupt_labels_replaces_the_asked_fraction():
    y = torch.arange(10).repeat(1000)
    noisy = data.corrupt_labels(y, 0.5, seed=3)
    changed = (noisy != y).float().mean().item()
    assert abs(changed - 0.5 * 0.9) < 0.02            # a random class hits the true one 1 time in 10
    assert torch.equal(noisy, data.corrupt_labels(y, 0.5, seed=3)) and torch.equal(y, torch.arange(10).repeat(1000))
    assert torch.equal(data.corrupt_labels(y, 0.0), y)
    with pytest.raises(ValueError, match="a percentage"):
        data.corrupt_labels(y, 50)


@pytest.mark.parametrize("p", pretrain.NOISE_LEVELS)
def test_shipped_noisy_source_fits_its_own_labels(p):
    name = f"cnn-printed-noise-{p}"
    entry = models.pretrained_index()[name]
    source = pretrain.noisy_source_data(name)
    assert (source.y != data.render_characters(1000, seed=41, digits_format=True).y).float().mean() <= p / 100 + 0.05
    acc = train.evaluate(models.load_pretrained(name), (source.X, source.y), device="cpu")["acc"]
    assert acc == pytest.approx(entry["source_accuracy"], abs=0.002) and acc >= 0.9   # it memorised its labels
