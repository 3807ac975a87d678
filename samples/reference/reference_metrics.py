"""Corpus figures shared by the samples' reference scripts, from a flat list of scored tokens (stdlib only).

Each script decodes its own format into tokens and calls figures() (and segments()) here, so every
sample's expected figures follow one set of definitions, computed independently of the TypeScript code.

Each token is a dict: seq (sequence id), segment ("prompt" | "completion"), logprob (float),
bytes (int or None), alts (list of alternative logprobs, or None when none are listed).
Definitions: tokens = scored tokens, nll = -fsum(logprob), cross_entropy = nll / tokens,
perplexity = exp(cross_entropy), bits_per_token = cross_entropy / ln 2; bytes = sum of the byte counts
that are given, bits_per_byte = -fsum(logprob of those same tokens) / bytes / ln 2;
top_k_tokens = tokens listing alternatives, top_k_mass_mean = mean over them of fsum(exp(alts)).
"""
import json
import math


def figures(tokens, unscored=0, top_k="if listed"):
    """Corpus figures of tokens; unscored is passed through.

    top_k: "if listed" adds top_k_tokens / top_k_mass_mean when at least one token lists alternatives;
    "always" adds them in any case (top_k_mass_mean null when no token does); None leaves them out.
    """
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
    if top_k == "always" or (top_k == "if listed" and any(t.get("alts") for t in tokens)):
        out.update(top_k_figures(tokens))
    elif top_k not in (None, "if listed"):
        raise ValueError(f"top_k: {top_k!r}")
    return out


def top_k_figures(tokens):
    listed = [t for t in tokens if t.get("alts")]
    masses = [math.fsum(math.exp(a) for a in t["alts"]) for t in listed]
    return {"top_k_tokens": len(listed), "top_k_mass_mean": math.fsum(masses) / len(masses) if masses else None}


def segments(tokens, unscored_by_segment):
    """Per-segment sequences / tokens / nll / unscored, for the segments that have scored tokens."""
    out = {}
    for seg in ("prompt", "completion"):
        part = [t for t in tokens if t["segment"] == seg]
        if part:
            f = figures(part, unscored_by_segment.get(seg, 0), top_k=None)
            out[seg] = {k: f[k] for k in ("sequences", "tokens", "nll", "unscored")}
    return out


def dump(doc):
    print(json.dumps(doc, indent=2, ensure_ascii=False))
