"""Expected figures for samples/openai-stream.sse (Chat Completions streaming chunks over SSE).

Usage: python3 samples/reference/openai-stream.py samples/openai-stream.sse > samples/openai-stream.sse.expected
Reads the `data: ` lines, skips `data: [DONE]`; chunks with the same id and choice index form one
sequence (id, or id#index for index > 0); tokens = logprobs.content then logprobs.refusal;
logprobs null and the usage chunk (choices: []) add nothing.
"""
import json
import sys

from reference_metrics import dump, figures

path = sys.argv[1] if len(sys.argv) > 1 else "samples/openai-stream.sse"
tokens, unscored = [], 0
with open(path, encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        rec = json.loads(line[len("data: "):])
        for pos, choice in enumerate(rec["choices"]):
            index = choice.get("index", pos)
            seq = rec["id"] if index == 0 else f'{rec["id"]}#{index}'
            lp = choice.get("logprobs") or {}
            for entry in (lp.get("content") or []) + (lp.get("refusal") or []):
                if entry["logprob"] is None:
                    unscored += 1
                    continue
                alts = [a["logprob"] for a in entry.get("top_logprobs") or [] if a["logprob"] is not None]
                tokens.append({
                    "seq": seq, "segment": "completion", "logprob": entry["logprob"],
                    "bytes": len(entry["bytes"]) if entry.get("bytes") is not None else None,
                    "alts": alts or None,
                })

corpus = figures(tokens, unscored, top_k="always")
dump({"how": f"python3 samples/reference/openai-stream.py {path}", "corpus": corpus})
