"""A tiny causal language model built locally for tests: no download, a second to make.

A BPE tokenizer (SentencePiece-style, so every token is readable text) trained on a few
hundred Alpaca instructions, wrapped as a `PreTrainedTokenizerFast` with a small chat
template, and a 2-layer GPT-2 with random weights. Special tokens' embeddings are zeroed,
so their logits are always 0 while the largest of the others is above 0: greedy decoding
never ends on its own nor emits invisible tokens (answers end at max_tokens or at a stop
string), which keeps tests predictable.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson

ALPACA = Path("/work/shared/data/alpaca/alpaca_data.json.gz")
EOS, PAD, UNK = "<|endoftext|>", "<|pad|>", "<unk>"
ROLES = ["<|system|>", "<|user|>", "<|assistant|>"]
CHAT_TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
                 "{% if add_generation_prompt %}<|assistant|>{% endif %}")
FALLBACK_TEXT = [
    "Give three tips for staying healthy.", "What are the three primary colors?",
    "Describe the structure of an atom.", "How can we reduce air pollution?",
    "Write a short story about a robot that learns to paint.",
    "Explain why the sky is blue in simple words.", "Say hello to the world.",
]


def corpus(lines: int = 400) -> list[str]:
    """Instruction and answer lines from Alpaca (a few built-in lines when it is absent)."""
    if not ALPACA.exists():
        return FALLBACK_TEXT * 20
    rows = orjson.loads(gzip.decompress(ALPACA.read_bytes()))[:lines]
    return [text for row in rows for text in (row["instruction"], row["output"]) if text]


def build_tokenizer(folder: Path, *, chat_template: bool = True, vocab_size: int = 400):
    """Train a BPE tokenizer and save it as a transformers tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first")
    tok.decoder = decoders.Metaspace(prepend_scheme="first")
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS, PAD, UNK, *ROLES])
    tok.train_from_iterator(corpus(), trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token=EOS, pad_token=PAD, unk_token=UNK,
        additional_special_tokens=ROLES,
    )
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    return fast


def build_tiny_model(folder: Path, *, chat_template: bool = True, seed: int = 0) -> Path:
    """Save a tokenizer and a 2-layer, 64-dim GPT-2 with random weights to `folder`."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(folder, chat_template=chat_template)
    eos = tokenizer.convert_tokens_to_ids(EOS)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=256, n_embd=64, n_layer=2,
                        n_head=2, bos_token_id=eos, eos_token_id=eos,
                        pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config)
    with torch.no_grad():  # tied to the output: special tokens' logits are 0, never the top
        model.transformer.wte.weight[tokenizer.all_special_ids] = 0.0
    model.save_pretrained(folder)
    return folder
