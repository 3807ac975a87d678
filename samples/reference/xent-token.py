"""Expected corpus statistics for an xent-token sample (one token a line, sequences interleaved).

    python3 samples/reference/xent-token.py samples/xent-tokens.jsonl > samples/xent-tokens.jsonl.expected

Lines: {"sequence_id", "logprob", "token"?, "bytes"?: count or byte values, "segment"?, "final"?}.
"""
import json
import math
import sys


# --- corpus figures (same definitions as the other samples' reference scripts) ---------------
def figures(tokens, unscored=0):
    """tokens: dicts with seq, segment, logprob, bytes (int or None), alts (list or None)."""
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
    listed = [t for t in tokens if t.get("alts")]
    if listed:
        masses = [math.fsum(math.exp(a) for a in t["alts"]) for t in listed]
        out["top_k_tokens"] = len(listed)
        out["top_k_mass_mean"] = math.fsum(masses) / len(masses)
    return out


def segments(tokens, unscored_by_segment):
    out = {}
    for seg in ("prompt", "completion"):
        part = [t for t in tokens if t["segment"] == seg]
        if part:
            f = figures(part, unscored_by_segment.get(seg, 0))
            out[seg] = {k: f[k] for k in ("sequences", "tokens", "nll", "unscored")}
    return out


path = sys.argv[1]
tokens, unscored = [], {"prompt": 0, "completion": 0}
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        segment = record.get("segment") or "completion"
        if record["logprob"] is None:
            unscored[segment] += 1
            continue
        b = record.get("bytes")
        nbytes = None if b is None else (len(b) if isinstance(b, list) else b)
        tokens.append({"seq": record.get("sequence_id") or f"{path}:{n}", "segment": segment,
                       "logprob": record["logprob"], "bytes": nbytes, "alts": None})

corpus = figures(tokens, sum(unscored.values()))
doc = {"how": f"python3 samples/reference/xent-token.py {path}", "corpus": corpus, "segments": segments(tokens, unscored)}
print(json.dumps(doc, indent=2, ensure_ascii=False))
