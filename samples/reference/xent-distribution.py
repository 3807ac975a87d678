"""Expected corpus statistics for an xent-distribution sample (full distributions).

    python3 samples/reference/xent-distribution.py samples/xent-distributions.jsonl > samples/xent-distributions.jsonl.expected

logits rows: lse = m + log(fsum(exp(x - m))), m = max(row); target logprob = x[t] - lse;
  entropy = -fsum(p * (x - lse)) with p = exp(x - lse).
probs rows: target logprob = log(p[t]) (-inf for 0); entropy = -fsum(p * log(p)) over p > 0.
mean_entropy = mean entropy over scored positions, in nats.
"""
import json
import math
import sys

from reference_metrics import dump, figures

path = sys.argv[1]
tokens, entropies = [], []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        seq = record.get("id") or f"{path}:{n}"
        segment = record.get("segment") or "completion"
        if record.get("logits") is not None:
            for row, t in zip(record["logits"], record["targets"]):
                m = max(row)
                lse = m + math.log(math.fsum(math.exp(x - m) for x in row))
                tokens.append({"seq": seq, "segment": segment, "logprob": row[t] - lse, "bytes": None, "alts": None})
                entropies.append(-math.fsum(math.exp(x - lse) * (x - lse) for x in row))
        else:
            for row, t in zip(record["probs"], record["targets"]):
                lp = math.log(row[t]) if row[t] > 0 else -math.inf
                tokens.append({"seq": seq, "segment": segment, "logprob": lp, "bytes": None, "alts": None})
                entropies.append(-math.fsum(p * math.log(p) for p in row if p > 0))

corpus = figures(tokens, 0)
corpus["mean_entropy"] = math.fsum(entropies) / len(entropies)
doc = {"how": f"python3 samples/reference/xent-distribution.py {path}", "corpus": corpus}
dump(doc)
