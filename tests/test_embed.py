"""The embedding layer: model resolution, the missing-extra error, caches, determinism."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from synthforge.curate import embed
from synthforge.curate.embed import Embedder, MissingExtra, model_id, resolve_model, text_key

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may come from the hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

TEXTS = ["How do I reverse a list in Python?", "Who painted the Mona Lisa?",
         "A robe takes 2 bolts of blue fiber and half that much white fiber.",
         "Explain the water cycle to a 10-year-old child, step by step, with an example."]


def needs_model() -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("faiss")
    pytest.importorskip(embed.BUNDLED_PACKAGE)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    needs_model()
    return Embedder()


def count_embedded(monkeypatch, target: Embedder) -> list[int]:
    """Spy on the model calls: the number of texts each call embedded."""
    calls: list[int] = []
    real = target._embed

    def spy(texts):
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(target, "_embed", spy)
    return calls


# ---- without the model --------------------------------------------------------------------

def test_a_local_path_is_used_as_is(tmp_path):
    assert resolve_model(str(tmp_path)) == str(tmp_path.resolve())


def test_other_names_go_to_sentence_transformers_unchanged():
    assert resolve_model("BAAI/bge-small-en-v1.5") == "BAAI/bge-small-en-v1.5"


def test_the_default_model_is_the_bundled_package():
    package = pytest.importorskip(embed.BUNDLED_PACKAGE)
    folder = os.path.join(os.path.dirname(package.__file__), "model")
    for name in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        assert resolve_model(name) == os.path.realpath(folder)


def test_model_id_follows_the_model_files(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    first = model_id(str(tmp_path))
    assert model_id(str(tmp_path)) == first
    (tmp_path / "config.json").write_text('{"changed": true}')
    assert model_id(str(tmp_path)) != first
    assert model_id("org/name").startswith("org/name")


def test_text_keys_are_stable_64_bit_hashes():
    assert text_key("hello") == text_key("hello") != text_key("hello ")
    assert -(2**63) <= text_key("\ud800 lone surrogate") < 2**63


@pytest.mark.parametrize("module", ["sentence_transformers", "torch"])
def test_a_missing_extra_says_what_to_install(monkeypatch, tmp_path, module):
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    with pytest.raises(MissingExtra, match=r"pip install 'synthforge\[embed\]'") as info:
        Embedder(str(tmp_path)).encode(["hello"])
    assert module in str(info.value) and isinstance(info.value, ImportError)


def test_cached_texts_never_load_the_model(tmp_path):
    """A fake model folder: every vector comes from the disk cache, so it is never loaded."""
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}")
    first = Embedder(str(tmp_path / "model"), cache_dir=tmp_path / "cache")
    vectors = {text_key(t): np.full(4, 0.5, dtype=np.float32) for t in TEXTS}
    first._disk.put(first.model_id, vectors)
    again = Embedder(str(tmp_path / "model"), cache_dir=tmp_path / "cache")
    out = again.encode(TEXTS + TEXTS[:1])
    assert out.shape == (5, 4) and again._model is None
    assert again.stats == {"memory_hits": 0, "disk_hits": 4, "encoded": 0}


def test_memory_cache_is_bounded():
    lru = embed._LRU(2)
    lru.put({1: np.zeros(2), 2: np.zeros(2)})
    lru.get_many([1])
    lru.put({3: np.zeros(2)})
    assert len(lru) == 2 and set(lru.get_many([1, 2, 3])) == {1, 3}


# ---- with the real model ------------------------------------------------------------------

def test_vectors_are_unit_float32_rows(embedder):
    out = embedder.encode(TEXTS)
    assert out.shape == (4, 384) and out.dtype == np.float32 and embedder.dim == 384
    assert np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-6)
    sims = out @ out.T
    assert sims[0, 1] < 0.5  # unrelated


def test_a_text_gets_the_same_bits_however_it_is_batched(embedder):
    """Padding is per length bucket, so neighbours in a batch do not change a vector."""
    together = embedder._embed(TEXTS)
    alone = np.concatenate([embedder._embed([t]) for t in TEXTS])
    shuffled = embedder._embed(TEXTS[::-1] + ["a much longer text " * 20])[:4][::-1]
    assert np.array_equal(together, alone) and np.array_equal(together, shuffled)
    assert np.array_equal(Embedder(batch_size=1).encode(TEXTS), together)


def test_encoding_twice_calls_the_model_once(embedder, monkeypatch):
    fresh = Embedder()
    fresh._model = embedder.model  # share the loaded model, not the cache
    calls = count_embedded(monkeypatch, fresh)
    first = fresh.encode(TEXTS + TEXTS[:2])  # repeats within one call are embedded once
    second = fresh.encode(TEXTS[::-1])
    assert calls == [4] and np.array_equal(first[:4], second[::-1])
    assert fresh.stats == {"memory_hits": 4, "disk_hits": 0, "encoded": 4}


def test_the_disk_cache_survives_a_new_embedder(embedder, monkeypatch, tmp_path):
    one = Embedder(cache_dir=tmp_path)
    one._model = embedder.model
    vectors = one.encode(TEXTS)
    two = Embedder(cache_dir=tmp_path)
    calls = count_embedded(monkeypatch, two)
    assert np.array_equal(two.encode(TEXTS), vectors)
    assert calls == [] and two._model is None and two.stats["disk_hits"] == 4


def test_an_unknown_hub_model_offline_is_a_clear_error(monkeypatch):
    needs_model()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(embed.ModelLoadError, match="could not load the embedding model") as info:
        Embedder("synthforge-tests/no-such-model").encode(["hello"])
    assert "Hugging Face Hub" in str(info.value) and "local folder" in str(info.value)
