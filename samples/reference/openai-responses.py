"""Expected figures for samples/openai-responses.jsonl (OpenAI Responses API objects) and
samples/openai-responses-stream.jsonl (its stream events).

    python3 samples/reference/openai-responses.py samples/openai-responses.jsonl > samples/openai-responses.jsonl.expected
    python3 samples/reference/openai-responses.py samples/openai-responses-stream.jsonl > samples/openai-responses-stream.jsonl.expected

Object: each output item of type "message" at output index k is a sequence (id, id#k for k > 0);
its tokens are content[*].logprobs[*] of output_text parts, in order; bytes = len(bytes);
alternatives = top_logprobs[*].logprob. Events: only response.output_text.delta events' logprobs
are tokens (sequence = item_id); the done and completed events repeat them and are not counted.
"""
import json
import sys

from reference_metrics import dump, figures


def entry(seq, e):
    alts = [a["logprob"] for a in e.get("top_logprobs") or []]
    nbytes = len(e["bytes"]) if e.get("bytes") is not None else None
    return {"seq": seq, "segment": "completion", "logprob": e["logprob"], "bytes": nbytes, "alts": alts or None}


path = sys.argv[1]
tokens = []
with open(path, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        if rec.get("object") == "response":
            for k, item in enumerate(rec["output"]):
                if item["type"] != "message":
                    continue
                seq = rec["id"] if k == 0 else f'{rec["id"]}#{k}'
                for part in item["content"]:
                    if part["type"] == "output_text":
                        tokens += [entry(seq, e) for e in part.get("logprobs") or []]
        elif rec.get("type") == "response.output_text.delta":
            tokens += [entry(rec["item_id"], e) for e in rec.get("logprobs") or []]

dump({"how": f"python3 samples/reference/openai-responses.py {path}", "corpus": figures(tokens, 0)})
