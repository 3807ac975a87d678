"""Expected corpus statistics for an xent-sequence sample.

    python3 samples/reference/xent-sequence.py samples/xent-sequences.jsonl > samples/xent-sequences.jsonl.expected

Lines: {"id", "logprobs": [...], "tokens"?, "top_logprobs"?, "bytes"?: count or byte values per token,
"segment"?: "prompt" | "completion" (default)}. Each line is one whole sequence (the
sample gives every line its own id). null logprobs are unscored; bytes are summed over
scored tokens whose bytes are given and bits_per_byte uses the NLL of those same tokens.
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
dump(doc)
