"""Corpus figures for the OpenAI-family samples, from a flat list of scored tokens (stdlib only).

Each token is a dict: seq (sequence id), segment ("prompt" | "completion"), logprob (float),
bytes (int or None), alts (list of alternative logprobs, or None when none are listed).
Definitions follow the adapter brief: tokens = scored tokens, nll = -sum(logprob), ...
"""
import json
import math


def figures(tokens, unscored=0):
    n = len(tokens)
    nll = -math.fsum(t["logprob"] for t in tokens)
    ce = nll / n
    out = {
        "sequences": len({t["seq"] for t in tokens}),
        "tokens": n,
        "nll": nll,
        "cross_entropy": ce,
        "perplexity": math.exp(ce),
        "bits_per_token": ce / math.log(2),
        "unscored": unscored,
    }
    with_bytes = [t for t in tokens if t.get("bytes") is not None]
    if with_bytes:
        nbytes = sum(t["bytes"] for t in with_bytes)
        out["bytes"] = nbytes
        out["bits_per_byte"] = -math.fsum(t["logprob"] for t in with_bytes) / nbytes / math.log(2)
    return out


def top_k(tokens):
    listed = [t for t in tokens if t.get("alts")]
    masses = [math.fsum(math.exp(a) for a in t["alts"]) for t in listed]
    return {"top_k_tokens": len(listed), "top_k_mass_mean": math.fsum(masses) / len(masses) if masses else None}


def segments(tokens, unscored_by_segment):
    out = {}
    for seg in ("prompt", "completion"):
        part = [t for t in tokens if t["segment"] == seg]
        if part:
            f = figures(part, unscored_by_segment.get(seg, 0))
            out[seg] = {k: f[k] for k in ("sequences", "tokens", "nll", "unscored")}
    return out


def dump(doc):
    print(json.dumps(doc, indent=2, ensure_ascii=False))
