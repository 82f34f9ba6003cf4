"""Training settings and the choices they offer (importable without PyTorch)."""

from __future__ import annotations

from dataclasses import dataclass

#: Losses selectable with --loss.
LOSSES = ("triplet", "contrastive", "bce", "arcface")
#: Negative mining strategies for the triplet loss.
MINING = ("semihard", "hard")
#: Architectures selectable with --arch, with their square input size in pixels.
ARCHS = {"classic": 64, "mobilefacenet": 112}


@dataclass(frozen=True)
class TrainSettings:
    """Everything one training run depends on (what a checkpoint must match to resume)."""

    loss: str = "triplet"
    arch: str = "classic"
    #: Passes over the training images.
    epochs: int = 20
    #: Images per batch (identities x images per identity).
    batch: int = 64
    #: Images of each identity in a batch (K of the P x K sampling), >= 2.
    per_identity: int = 4
    #: AdamW learning rate (cosine-annealed to zero) and weight decay.
    lr: float = 2e-3
    weight_decay: float = 5e-4
    #: Contrastive margin on unit-embedding distance (0-2), triplet alpha, ArcFace margin (rad).
    margin: float = 1.0
    alpha: float = 0.2
    arc_margin: float = 0.5
    #: Triplet negative mining: "semihard" or "hard".
    mining: str = "semihard"
    seed: int = 0

    def validate(self) -> None:
        checks = [
            (self.loss in LOSSES, f"loss must be one of {', '.join(LOSSES)}"),
            (self.arch in ARCHS, f"arch must be one of {', '.join(ARCHS)}"),
            (self.mining in MINING, f"mining must be one of {', '.join(MINING)}"),
            (self.epochs >= 1, "epochs must be at least 1"),
            (self.batch >= 2 * self.per_identity, "batch must hold at least two identities"),
            (self.per_identity >= 2, "per-identity must be at least 2"),
            (self.lr > 0, "learning rate must be positive"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def describe_loss(self) -> str:
        detail = {"contrastive": f"margin {self.margin}", "bce": "learned logistic",
                  "triplet": f"{self.mining}, alpha {self.alpha}",
                  "arcface": f"s 30, m {self.arc_margin}"}[self.loss]
        return f"{self.loss} ({detail})"
