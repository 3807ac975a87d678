"""Expected corpus statistics for xent-distribution lines with soft targets (full target P).

    python3 samples/reference/xent-soft-targets.py samples/xent-soft-targets.jsonl > samples/xent-soft-targets.jsonl.expected

Independent of xent: scipy.special.log_softmax for logits rows, numpy.log for probs rows,
scipy.special.entr for H(P), and math.fsum for every sum.
Per position: H(P, Q) = -fsum(P * log Q) over P > 0; its "logprob" is -H(P, Q).
nll = fsum of H(P, Q); mean_entropy = mean H(P) over positions, in nats.
"""
import json
import math
import sys

import numpy as np
from scipy.special import entr, log_softmax

from reference_metrics import dump, figures

path = sys.argv[1]
tokens, entropies = [], []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        seq = record.get("id") or f"{path}:{n}"
        q_rows = record.get("logits") if record.get("logits") is not None else record["probs"]
        p_rows = record.get("target_logits") if record.get("target_logits") is not None else record["target_probs"]
        for q_row, p_row in zip(q_rows, p_rows):
            if record.get("logits") is not None:
                lq = log_softmax(np.array(q_row, dtype=np.float64))
            else:
                with np.errstate(divide="ignore"):
                    lq = np.log(np.array(q_row, dtype=np.float64))
            if record.get("target_logits") is not None:
                p = np.exp(log_softmax(np.array(p_row, dtype=np.float64)))
            else:
                p = np.array(p_row, dtype=np.float64)
            h_pq = math.fsum(-pi * lqi for pi, lqi in zip(p, lq) if pi > 0)
            tokens.append({"seq": seq, "segment": "completion", "logprob": -h_pq, "bytes": None, "alts": None})
            entropies.append(math.fsum(entr(p)))

corpus = figures(tokens, 0)
corpus["mean_entropy"] = math.fsum(entropies) / len(entropies)
doc = {"how": f"python3 samples/reference/xent-soft-targets.py {path}", "corpus": corpus}
dump(doc)
