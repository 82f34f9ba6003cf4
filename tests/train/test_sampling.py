"""Pair and batch samplers and augmentation against hand-worked examples (no PyTorch needed)."""

from __future__ import annotations

import numpy as np
import pytest

from turnstile.train.sampling import (
    AUGMENTATIONS,
    Augmentation,
    augment,
    balanced_pairs,
    identity_batches,
    negative_pairs,
    positive_pairs,
)

LABELS = np.array([0, 0, 0, 1, 1, 2], np.int64)


def test_positive_pairs_are_every_same_identity_pair() -> None:
    assert positive_pairs(LABELS).tolist() == [[0, 1], [0, 2], [1, 2], [3, 4]]


def test_negative_pairs_are_distinct_cross_identity_pairs() -> None:
    # 15 pairs in all, 3 + 1 of them same-identity: exactly 11 different-identity pairs.
    every = negative_pairs(LABELS, 11, np.random.default_rng(1))
    assert len({tuple(p) for p in every.tolist()}) == 11
    assert all(LABELS[i] != LABELS[j] and i < j for i, j in every)
    with pytest.raises(ValueError, match="only 11"):
        negative_pairs(LABELS, 12, np.random.default_rng(1))


def test_balanced_pairs_match_positives_and_are_seeded() -> None:
    pairs, same = balanced_pairs(LABELS, np.random.default_rng(7))
    assert same.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert pairs[:4].tolist() == positive_pairs(LABELS).tolist()
    again, _ = balanced_pairs(LABELS, np.random.default_rng(7))
    assert np.array_equal(pairs, again)


def test_orl_sized_pair_set_has_45_positives_per_identity() -> None:
    labels = np.repeat(np.arange(10), 10)  # ORL s31-s40: 10 people x 10 images
    _, same = balanced_pairs(labels, np.random.default_rng(0))
    assert (same == 1).sum() == 450 and (same == 0).sum() == 450


def test_identity_batches_hold_k_images_of_p_people() -> None:
    labels = np.repeat(np.arange(5), 6)
    batches = list(identity_batches(labels, batch=8, per_identity=4,
                                    rng=np.random.default_rng(0)))
    # 6 images -> groups of 4 and 2 + 2 top-up: 10 groups, 2 per batch.
    assert len(batches) == 5
    for rows in batches:
        people, counts = np.unique(labels[rows], return_counts=True)
        assert len(people) == 2 and counts.tolist() == [4, 4]
        assert len(set(rows.tolist())) == 8  # no image twice in one batch
    assert set(np.concatenate(batches).tolist()) == set(range(30))  # every image each epoch


def test_identity_batches_top_up_small_identities() -> None:
    labels = np.array([0, 0, 0, 1, 1, 1, 1, 1], np.int64)
    batches = list(identity_batches(labels, batch=8, per_identity=4,
                                    rng=np.random.default_rng(2)))
    rows = np.concatenate(batches)
    assert set(rows.tolist()) == set(range(8))
    for batch in batches:
        for k in np.unique(labels[batch]):
            assert (labels[batch] == k).sum() == 4


def test_identity_batches_need_two_per_identity() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        next(identity_batches(LABELS, 8, 1, np.random.default_rng(0)))


def test_augment_without_jitter_only_flips() -> None:
    rng = np.random.default_rng(3)
    images = rng.integers(0, 255, (6, 16, 16, 3), dtype=np.uint8)
    out = augment(images, np.random.default_rng(5),
                  Augmentation(max_shift=0.0, brightness=0.0, max_angle=0.0, max_zoom=0.0))
    assert out.shape == images.shape and out.dtype == np.uint8
    flipped = [bool(np.array_equal(o, i[:, ::-1])) for o, i in zip(out, images, strict=True)]
    same = [bool(np.array_equal(o, i)) for o, i in zip(out, images, strict=True)]
    assert all(f or s for f, s in zip(flipped, same, strict=True))
    assert any(flipped) and any(same)


def test_augment_changes_brightness_within_bounds() -> None:
    images = np.full((4, 16, 16, 3), 100, np.uint8)
    out = augment(images, np.random.default_rng(0), Augmentation(max_shift=0.0, brightness=0.2))
    means = out.reshape(4, -1).mean(axis=1)
    assert not np.allclose(means, 100)
    assert (means >= 100 * 0.8 - 0.2 * 64 - 1).all() and (means <= 100 * 1.2 + 0.2 * 64 + 1).all()


def test_no_augmentation_returns_the_images_unchanged() -> None:
    images = np.random.default_rng(4).integers(0, 255, (3, 16, 16, 3), dtype=np.uint8)
    assert np.array_equal(augment(images, np.random.default_rng(0), AUGMENTATIONS["none"]),
                          images)


def test_erase_blanks_one_rectangle_with_the_mean() -> None:
    # Columns 0, 10, ..., 190: the image mean is 95, a value no original pixel has, so the
    # changed pixels are exactly the erased block.
    row = np.arange(20, dtype=np.uint8) * 10
    images = np.repeat(np.broadcast_to(row[None, :, None], (20, 20, 3))[None], 8, axis=0).copy()
    plain = Augmentation(flip=False, max_shift=0.0, brightness=0.0, max_angle=0.0,
                         max_zoom=0.0, erase=1.0)
    out = augment(images, np.random.default_rng(1), plain)
    for image in out:
        changed = (image != images[0]).any(axis=2)
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        block = changed[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        assert block.all() and changed.sum() == block.size  # one solid rectangle
        assert 0.04 * 400 <= changed.sum() <= 0.22 * 400  # 5-20% of the area, after rounding
        assert set(np.unique(image[changed]).tolist()) == {95}


def test_blur_smooths_a_single_bright_pixel() -> None:
    images = np.zeros((16, 15, 15, 3), np.uint8)
    images[:, 7, 7] = 255
    blurry = Augmentation(flip=False, max_shift=0.0, brightness=0.0, max_angle=0.0,
                          max_zoom=0.0, blur=1.2)
    out = augment(images, np.random.default_rng(2), blurry)
    peaks = out[:, 7, 7, 0].astype(int)
    # About half the crops are blurred: their peak spreads (sigma >= 0.3 lowers it); the total
    # brightness is kept (a Gaussian sums to one), up to rounding.
    assert 0 < int((peaks < 255).sum()) < 16
    for image, peak in zip(out, peaks, strict=True):
        if peak < 255:
            assert image[6:9, 6:9, 0].sum() > peak and abs(int(image[..., 0].sum()) - 255) < 40
