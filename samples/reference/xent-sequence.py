"""Expected corpus statistics for an xent-sequence sample.

    python3 samples/reference/xent-sequence.py samples/xent-sequences.jsonl > samples/xent-sequences.jsonl.expected

Lines: {"id", "logprobs": [...], "tokens"?, "top_logprobs"?, "bytes"?: count or byte values per token,
"segment"?: "prompt" | "completion" (default)}. Each line is one whole sequence (the
sample gives every line its own id). null logprobs are unscored; bytes are summed over
scored tokens whose bytes are given and bits_per_byte uses the NLL of those same tokens.
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
        seq = record.get("id") or f"{path}:{n}"
        segment = record.get("segment") or "completion"
        count = len(record["logprobs"])
        byte_list = record.get("bytes") or [None] * count
        tops = record.get("top_logprobs") or [None] * count
        for lp, b, alts in zip(record["logprobs"], byte_list, tops):
            if lp is None:
                unscored[segment] += 1
                continue
            nbytes = None if b is None else (len(b) if isinstance(b, list) else b)
            tokens.append({"seq": seq, "segment": segment, "logprob": lp, "bytes": nbytes, "alts": alts or None})

corpus = figures(tokens, sum(unscored.values()))
doc = {"how": f"python3 samples/reference/xent-sequence.py {path}", "corpus": corpus, "segments": segments(tokens, unscored)}
print(json.dumps(doc, indent=2, ensure_ascii=False))
