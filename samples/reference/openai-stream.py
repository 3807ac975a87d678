"""Expected figures for samples/openai-stream.sse (Chat Completions streaming chunks over SSE).

Usage: python3 samples/reference/openai-stream.py samples/openai-stream.sse > samples/openai-stream.sse.expected
Reads the `data: ` lines, skips `data: [DONE]`; chunks with the same id and choice index form one
sequence (id, or id#index for index > 0); tokens = logprobs.content then logprobs.refusal;
logprobs null and the usage chunk (choices: []) add nothing.
"""
import json
import sys

from openai_choices import chat_choice_tokens
from reference_metrics import dump, figures

path = sys.argv[1] if len(sys.argv) > 1 else "samples/openai-stream.sse"
tokens, unscored = [], 0
with open(path, encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        rec = json.loads(line[len("data: "):])
        for kind, token in chat_choice_tokens(rec["id"], rec["choices"]):
            if kind == "unscored":
                unscored += 1
            else:
                tokens.append(token)

corpus = figures(tokens, unscored, top_k="always")
dump({"how": f"python3 samples/reference/openai-stream.py {path}", "corpus": corpus})
