"""Expected figures for samples/openai-batch.jsonl (OpenAI Batch API output lines).

Usage: python3 samples/reference/openai-batch.py samples/openai-batch.jsonl > samples/openai-batch.jsonl.expected
custom_id names the sequence (custom_id#index for choice index > 0). A line whose response is null
(with an error), or whose response.status_code >= 400, is a failed request: counted, not scored.
The sample has two such lines on purpose (an expired request and a 400 context_length_exceeded).
Bodies are chat completions: tokens = logprobs.content then logprobs.refusal.
"""
import json
import sys

from openai_choices import chat_choice_tokens
from reference_metrics import dump, figures

path = sys.argv[1] if len(sys.argv) > 1 else "samples/openai-batch.jsonl"
tokens, unscored, failed = [], 0, 0
with open(path, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        resp = rec.get("response")
        if resp is None or resp.get("status_code", 200) >= 400:
            failed += 1
            continue
        body = resp["body"]
        for kind, token in chat_choice_tokens(rec["custom_id"], body["choices"]):
            if kind == "unscored":
                unscored += 1
            else:
                tokens.append(token)

corpus = figures(tokens, unscored, top_k=None)
corpus["failed_requests"] = failed
dump({"how": f"python3 samples/reference/openai-batch.py {path} (2 failed requests on purpose)", "corpus": corpus, "failed_requests": failed})
