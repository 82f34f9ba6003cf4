"""Training settings and the choices they offer (importable without PyTorch)."""

from __future__ import annotations

from dataclasses import dataclass

from turnstile.errors import UsageError

#: Losses selectable with --loss.
LOSSES = ("triplet", "contrastive", "bce", "arcface", "cosface")
#: Negative mining strategies for the triplet loss.
MINING = ("semihard", "hard")
#: Architectures selectable with --arch, with their square input size in pixels.
ARCHS = {"classic": 64, "mobilefacenet": 112}
#: Input normalisations: "global" (x - 127.5) / 128 for every image, or "image": each image
#: standardised by its own mean and spread inside the network (robust to exposure).
INPUT_NORMS = ("global", "image")
#: Augmentation presets selectable with --augment (parameters in sampling.AUGMENTATIONS).
AUGMENTS = ("none", "light", "strong")


@dataclass(frozen=True)
class TrainSettings:
    """Everything one training run depends on (what a checkpoint must match to resume)."""

    loss: str = "arcface"
    arch: str = "classic"
    #: Passes over the training images.
    epochs: int = 20
    #: Images per batch (identities x images per identity).
    batch: int = 32
    #: Images of each identity in a batch (K of the P x K sampling), >= 2.
    per_identity: int = 4
    #: AdamW learning rate (cosine-annealed to zero) and weight decay.
    lr: float = 2e-3
    weight_decay: float = 5e-4
    #: Contrastive margin on unit-embedding distance (0-2), triplet alpha, ArcFace margin (rad),
    #: CosFace margin (cosine units) and the scale s of both margin softmaxes.
    margin: float = 1.0
    alpha: float = 0.2
    arc_margin: float = 0.5
    cos_margin: float = 0.35
    scale: float = 30.0
    #: Square input side in pixels; 0 takes the architecture's own (ARCHS).
    size: int = 0
    input_norm: str = "global"
    augment: str = "light"
    #: Decay of the exponential moving average of the weights that is validated and exported
    #: (0 exports the last weights as they are).
    ema: float = 0.0
    #: Triplet negative mining: "semihard" or "hard".
    mining: str = "semihard"
    seed: int = 0
    #: Networks trained (seeds seed, seed + 1, ...) and exported side by side as one
    #: embedder (1-10): chosen by cross-validation, like every default here.
    members: int = 5
    #: Whiten the joined embeddings against the variation within each training person
    #: (WCCN, fitted on the training photos) inside the exported model.
    whiten: bool = True

    def validate(self) -> None:
        checks = [
            (self.loss in LOSSES, f"loss must be one of {', '.join(LOSSES)}"),
            (self.arch in ARCHS, f"arch must be one of {', '.join(ARCHS)}"),
            (self.mining in MINING, f"mining must be one of {', '.join(MINING)}"),
            (self.input_norm in INPUT_NORMS,
             f"input norm must be one of {', '.join(INPUT_NORMS)}"),
            (self.augment in AUGMENTS, f"augment must be one of {', '.join(AUGMENTS)}"),
            (self.size == 0 or (self.arch == "classic" and 32 <= self.size <= 256
                                and self.size % 16 == 0) or self.size == ARCHS[self.arch],
             f"size must be 0 (the arch's own), a multiple of 16 in 32-256 for classic, or "
             f"{ARCHS.get(self.arch)} for {self.arch}"),
            (0.0 <= self.ema < 1.0, "ema decay must be in [0, 1)"),
            (self.epochs >= 1, "epochs must be at least 1"),
            (self.batch >= 2 * self.per_identity, "batch must hold at least two identities"),
            (self.per_identity >= 2, "per-identity must be at least 2"),
            (self.lr > 0, "learning rate must be positive"),
            (1 <= self.members <= 10, "members must be between 1 and 10"),
        ]
        for ok, message in checks:
            if not ok:
                raise UsageError(message)

    def describe_loss(self) -> str:
        detail = {"contrastive": f"margin {self.margin}", "bce": "learned logistic",
                  "triplet": f"{self.mining}, alpha {self.alpha}",
                  "arcface": f"s {self.scale:g}, m {self.arc_margin}",
                  "cosface": f"s {self.scale:g}, m {self.cos_margin}"}[self.loss]
        return f"{self.loss} ({detail})"

    @property
    def input_size(self) -> int:
        return self.size or ARCHS[self.arch]
