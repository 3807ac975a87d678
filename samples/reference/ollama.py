"""Expected figures for samples/ollama.jsonl (Ollama /api/generate and /api/chat with logprobs).

    python3 samples/reference/ollama.py samples/ollama.jsonl > samples/ollama.jsonl.expected

Tokens = logprobs[*].logprob (completion); bytes = len(bytes) where given; alternatives =
top_logprobs[*].logprob. A whole answer (done true, non-empty text) is its own sequence; stream
pieces (done false) and their done object are one sequence per model.
"""
import json
import sys

from reference_metrics import dump, figures

path = sys.argv[1]
tokens = []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        rec = json.loads(line)
        text = rec["response"] if "response" in rec else rec["message"]["content"]
        seq = f"{path}:{n}" if rec["done"] and text else f'stream {rec["model"]}'
        for e in rec.get("logprobs") or []:
            alts = [a["logprob"] for a in e.get("top_logprobs") or []]
            nbytes = len(e["bytes"]) if e.get("bytes") is not None else None
            tokens.append({"seq": seq, "segment": "completion", "logprob": e["logprob"], "bytes": nbytes, "alts": alts or None})

dump({"how": f"python3 samples/reference/ollama.py {path}", "corpus": figures(tokens, 0)})
