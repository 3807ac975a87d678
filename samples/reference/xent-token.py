"""Expected corpus statistics for an xent-token sample (one token a line, sequences interleaved).

    python3 samples/reference/xent-token.py samples/xent-tokens.jsonl > samples/xent-tokens.jsonl.expected

Lines: {"sequence_id", "logprob", "token"?, "bytes"?: count or byte values, "segment"?, "final"?}.
"""
import json
import sys

from reference_metrics import dump, figures, segments

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
dump(doc)
