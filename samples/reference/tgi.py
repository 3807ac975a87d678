"""Expected corpus statistics for a TGI /generate sample (a JSON array of responses, or one response).

    python3 samples/reference/tgi.py samples/tgi-generate.json > samples/tgi-generate.json.expected

Each response is its own sequence (no id in the record; best_of_sequences entries would be further
ones). prefill = prompt tokens (the first logprob is null = unscored), tokens = completion tokens;
top_tokens (when present) are the alternatives. TGI gives no byte counts.
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


path = sys.argv[1] if len(sys.argv) > 1 else "samples/tgi-generate.json"
with open(path, encoding="utf-8") as f:
    value = json.load(f)
responses = value if isinstance(value, list) else [value]

tokens, unscored = [], {"prompt": 0, "completion": 0}
for i, response in enumerate(responses):
    details = response["details"]
    for j, seq in enumerate([details] + list(details.get("best_of_sequences") or [])):
        seq_id = f"{path}:{i}" + (f"#{j}" if j else "")
        tops = seq.get("top_tokens") or [None] * len(seq["tokens"])
        for segment, toks, alts_list in (("prompt", seq.get("prefill") or [], [None] * len(seq.get("prefill") or [])), ("completion", seq["tokens"], tops)):
            for tok, alts in zip(toks, alts_list):
                if tok["logprob"] is None:
                    unscored[segment] += 1
                    continue
                tokens.append({"seq": seq_id, "segment": segment, "logprob": tok["logprob"], "bytes": None,
                               "alts": [a["logprob"] for a in alts] if alts else None})

corpus = figures(tokens, sum(unscored.values()))
doc = {"how": f"python3 samples/reference/tgi.py {path}", "corpus": corpus, "segments": segments(tokens, unscored)}
print(json.dumps(doc, indent=2, ensure_ascii=False))
