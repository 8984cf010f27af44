"""Refusals, AI-identity and knowledge-cutoff phrases for the `quality` step."""

from __future__ import annotations

import re

from synthforge.validate.boilerplate import BOILERPLATE

REFUSALS: tuple[str, ...] = (
    "I can't help with that", "I cannot help with that", "I can't help with this",
    "I cannot help with this", "I can't help you with", "I cannot help you with",
    "I'm unable to help", "I am unable to help", "I'm unable to assist", "I am unable to assist",
    "I'm unable to provide", "I am unable to provide", "I'm unable to create",
    "I am unable to create", "I'm unable to generate", "I am unable to generate",
    "I'm unable to complete", "I am unable to complete", "I'm unable to fulfill",
    "I am unable to fulfill", "I'm unable to do", "I am unable to do",
    "I'm not able to provide", "I am not able to provide", "I'm not able to create",
    "I am not able to create", "I'm not able to generate", "I am not able to generate",
    "I'm not able to do", "I am not able to do", "I'm not able to help", "I am not able to help",
    "I cannot provide", "I can't provide", "I cannot create", "I can't create",
    "I cannot generate", "I can't generate", "I cannot complete", "I can't complete",
    "I cannot do that", "I can't do that", "I cannot comply", "I can't comply",
    "I won't be able to help", "I will not be able to help", "I must decline",
    "I have to decline", "I'm afraid I can't", "I'm afraid I cannot", "I am afraid I cannot",
    "I'm not comfortable", "I am not comfortable", "I'm not allowed to", "I am not allowed to",
    "I'm not programmed to", "I am not programmed to", "I cannot answer", "I can't answer",
    "Sorry, I can't", "Sorry, I cannot", "Sorry, but I can't", "Sorry, but I cannot",
    "I'm sorry, I can't", "I'm sorry, I cannot", "I am sorry, but I cannot",
    "I am sorry, I cannot", "it would be inappropriate for me", "it is not appropriate for me",
    "this request violates", "against my guidelines", "I cannot engage", "I can't engage",
    # the model declining the task in the third person (as in Alpaca)
    "Sorry, the task", "Sorry, this task", "this task cannot be", "this instruction cannot be",
    "the instruction cannot be", "this type of instruction cannot", "this type of task cannot",
    "not a suitable instruction", "not suitable for a GPT", "cannot be completed by a",
    "cannot be fulfilled by a", "cannot be created by a language model", "as a GPT model, I")
"""Phrases of a refusal; they count near the start of the response (`refusal.window`)."""

AI_IDENTITY: tuple[str, ...] = (
    "as a GPT model, I", "as a GPT language model, I", "as an AI, I", "I am an AI", "I'm an AI",
    "I am a virtual assistant", "I'm a virtual assistant", "I am a computer program",
    "I'm a computer program", "I don't have a physical body", "I do not have a physical body",
    "I don't have feelings", "I do not have feelings", "I don't have emotions",
    "I do not have emotions")
"""The assistant talking about itself (beside those of the built-in boilerplate list)."""

KNOWLEDGE_CUTOFF: tuple[str, ...] = (
    "as of my knowledge cutoff", "as of my knowledge cut-off", "as of my last training",
    "as of my training data", "my knowledge is limited to", "my training only goes",
    "my training data only goes", "my information is current as of", "I don't have real-time",
    "I do not have real-time", "I don't have access to current", "I do not have access to current",
    "I don't have access to the internet", "I do not have access to the internet",
    "I cannot access the internet", "I can't access the internet", "I don't have up-to-date",
    "I do not have up-to-date", "since my last update", "after my last update",
    "up to my last update", "beyond my knowledge cutoff", "after my knowledge cutoff",
    "I am not able to browse", "I'm not able to browse")
"""Knowledge cut-off and no-browsing talk (beside those of the built-in boilerplate list)."""

_KINDS = (  # which built-in boilerplate phrases are which (the others are chat filler)
    ("knowledge_cutoff", re.compile(r"cut-?off|training|update|browse|real-time|internet", re.I)),
    ("refusal", re.compile(r"sorry|apologize, but|cannot|can't|unable|fulfill|assist with", re.I)),
    ("ai_identity", re.compile(r"\bAI\b|language model|OpenAI|ChatGPT|programming|personal|"
                               r"artificial intelligence", re.I)))


def boilerplate(kind: str) -> list[str]:
    """The built-in boilerplate phrases of one kind: refusal, ai_identity, knowledge_cutoff.

    Chat filler ("I hope this helps", "It's important to note that") is not a defect of the
    answer; the `rules` step rejects it with `boilerplate: true`.
    """
    out = []
    for phrase in BOILERPLATE:
        found = next((name for name, pattern in _KINDS if pattern.search(phrase)), None)
        if found == kind:
            out.append(phrase)
    return out
