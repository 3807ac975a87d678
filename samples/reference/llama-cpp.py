"""Expected corpus statistics for a llama.cpp /completion sample (one whole response per line).

    python3 samples/reference/llama-cpp.py samples/llama-cpp-completion.jsonl > samples/llama-cpp-completion.jsonl.expected
    python3 samples/reference/llama-cpp.py samples/llama-cpp-legacy.jsonl > samples/llama-cpp-legacy.jsonl.expected

Each line is its own sequence (the responses carry no request id). Only generated tokens are scored.
Current form: completion_probabilities[i].logprob, bytes = len(.bytes), alternatives = top_logprobs[*].logprob
(-3.4028234663852886e38, llama.cpp's p = 0, is an ordinary value: exp gives 0).
post_sampling_probs form: .prob / .top_probs[*].prob, logs taken.
Old form: {content, probs: [{tok_str, prob}]}: the chosen token's probability is the first probs entry
whose tok_str equals content; logprob = log(prob) (-inf for 0); alternatives = log of every prob; no bytes.
"""
import json
import math
import sys

from reference_metrics import dump, figures


def log(p):
    return math.log(p) if p > 0 else -math.inf


path = sys.argv[1]
tokens = []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        seq = f"{path}:{n}" + (f"#{record['index']}" if record.get("index") else "")
        for entry in record.get("completion_probabilities") or []:
            if "logprob" in entry:
                lp, alts = entry["logprob"], [a["logprob"] for a in entry.get("top_logprobs") or []]
            elif "prob" in entry:
                lp, alts = log(entry["prob"]), [log(a["prob"]) for a in entry.get("top_probs") or []]
            else:
                lp = log([p["prob"] for p in entry["probs"] if p["tok_str"] == entry["content"]][0])
                alts = [log(p["prob"]) for p in entry["probs"]]
            nbytes = len(entry["bytes"]) if entry.get("bytes") is not None else None
            tokens.append({"seq": seq, "segment": "completion", "logprob": lp, "bytes": nbytes, "alts": alts or None})

doc = {"how": f"python3 samples/reference/llama-cpp.py {path}", "corpus": figures(tokens, 0)}
dump(doc)
