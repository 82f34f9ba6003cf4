"""Identity folders through the real detector and aligner: counts, fallback, cache, split."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.train.data import (
    DataError,
    cache_key,
    expand_identities,
    fallback_crop,
    load_cache,
    load_faces,
    save_cache,
    scan,
    split_identities,
)
from turnstile.vision.align import align
from turnstile.vision.engine import Engine
from turnstile.vision.imageio import read_image


def test_expand_identities() -> None:
    assert expand_identities("s1-s3, bob") == ["s1", "s2", "s3", "bob"]
    assert expand_identities("s31-s40")[-1] == "s40"
    with pytest.raises(DataError, match="backwards"):
        expand_identities("s5-s2")
    with pytest.raises(DataError, match="no identities"):
        expand_identities(" , ")


def test_scan_orders_naturally_and_selects(tiny_orl: Path) -> None:
    files = scan(tiny_orl)
    assert list(files) == ["s1", "s2", "s3", "s4"]
    assert [p.name for p in files["s1"]] == ["1.pgm", "2.pgm", "3.pgm", "4.pgm"]
    assert list(scan(tiny_orl, ["s3", "s1"])) == ["s3", "s1"]
    with pytest.raises(DataError, match="no sub-folder"):
        scan(tiny_orl, ["s9"])


def test_scan_refuses_unusable_folders(tmp_path: Path, tiny_orl: Path) -> None:
    with pytest.raises(DataError, match="not a folder"):
        scan(tmp_path / "missing")
    with pytest.raises(DataError, match="at least two identity"):
        scan(tiny_orl, ["s1"])


def test_faces_are_aligned_exactly_as_the_engine_does(tiny_orl: Path, engine: Engine) -> None:
    files = scan(tiny_orl, ["s1", "s2"])
    faces = load_faces(files, engine.detector, 112)
    assert faces.images.shape == (8, 112, 112, 3) and faces.labels.tolist() == [0] * 4 + [1] * 4
    assert faces.sources[0] == "s1/1.pgm" and faces.identities == ("s1", "s2")
    image = read_image(files["s1"][0])
    detected = engine.detector.detect(image)
    assert detected and not faces.fallback[0]
    assert np.array_equal(faces.images[0], align(image, detected[0], 112))


def test_missed_faces_use_the_counted_fallback(tiny_orl: Path, engine: Engine) -> None:
    blank = tiny_orl / "s1" / "9.png"  # a flat grey picture: no detector finds a face in it
    cv2.imwrite(str(blank), np.full((112, 92), 128, np.uint8))
    files = scan(tiny_orl, ["s1", "s2"])
    faces = load_faces(files, engine.detector, 64, "resize")
    assert faces.fallback_count >= 1 and faces.fallback[4] and len(faces.labels) == 9
    expected = fallback_crop(read_image(blank), 64, "resize")
    assert expected is not None and np.array_equal(faces.images[4], expected)
    skipped = load_faces(files, engine.detector, 64, "skip")
    assert skipped.skipped == faces.fallback_count
    assert len(skipped.labels) == 9 - skipped.skipped
    with pytest.raises(DataError, match="fallback"):
        load_faces(files, engine.detector, 64, "guess")


def test_all_images_without_faces_is_an_error(tmp_path: Path, engine: Engine) -> None:
    for person in ("a", "b"):
        (tmp_path / person).mkdir()
        for index in range(2):
            cv2.imwrite(str(tmp_path / person / f"{index}.png"), np.full((64, 64), 90, np.uint8))
    with pytest.raises(DataError, match="no face found in any of the 4"):
        load_faces(scan(tmp_path), engine.detector, 64, "skip")


def test_unreadable_image_is_named(tiny_orl: Path, engine: Engine) -> None:
    (tiny_orl / "s2" / "5.jpg").write_bytes(b"not a picture")
    with pytest.raises(DataError, match=r"5\.jpg"):
        load_faces(scan(tiny_orl, ["s1", "s2"]), engine.detector, 64)


def test_fallback_crops() -> None:
    image = np.zeros((112, 92, 3), np.uint8)
    image[:, :46] = 200
    resized = fallback_crop(image, 64, "resize")
    assert resized is not None and resized.shape == (64, 64, 3)
    assert resized[:, :30].mean() > 150 and resized[:, 34:].mean() < 50  # whole width kept
    centre = fallback_crop(image, 64, "center")
    assert centre is not None and centre.shape == (64, 64, 3)
    assert fallback_crop(image, 64, "skip") is None


def test_cache_round_trip_and_key(tiny_orl: Path, tmp_path: Path, engine: Engine) -> None:
    files = scan(tiny_orl, ["s1", "s2"])
    faces = load_faces(files, engine.detector, 64)
    path = tmp_path / "cache" / f"{cache_key(files, 64, 'resize', 'yunet')}.npz"
    save_cache(faces, path)
    again = load_cache(path)
    assert again is not None
    assert np.array_equal(again.images, faces.images) and again.sources == faces.sources
    assert again.identities == faces.identities
    assert cache_key(files, 112, "resize", "yunet") != cache_key(files, 64, "resize", "yunet")
    assert cache_key(files, 64, "center", "yunet") != cache_key(files, 64, "resize", "yunet")
    path.write_bytes(b"truncated")
    assert load_cache(path) is None  # a broken cache is rebuilt, not trusted
    assert load_cache(tmp_path / "absent.npz") is None


def test_subset_relabels(tiny_orl: Path, engine: Engine) -> None:
    faces = load_faces(scan(tiny_orl), engine.detector, 64)
    part = faces.subset(["s3", "s1"])
    assert part.identities == ("s3", "s1") and part.labels.tolist() == [1] * 4 + [0] * 4
    assert part.sources[0] == "s1/1.pgm"
    with pytest.raises(DataError, match="unknown"):
        faces.subset(["s7"])


def test_identity_split_is_seeded_and_disjoint() -> None:
    people = [f"s{i}" for i in range(1, 31)]
    train, val = split_identities(people, 0.1, seed=0)
    assert len(train) == 27 and len(val) == 3 and not set(train) & set(val)
    assert set(train) | set(val) == set(people)
    assert split_identities(people, 0.1, seed=0) == (train, val)
    assert split_identities(people, 0.1, seed=1) != (train, val)
    assert split_identities(people, 0.0, seed=0) == (sorted(people, key=lambda n: int(n[1:])),
                                                     [])
    with pytest.raises(DataError, match="too few"):
        split_identities(["a", "b", "c"], 0.5, seed=0)
