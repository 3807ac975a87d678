"""Expected figures for samples/openai-chat.jsonl (Chat Completions responses).

Usage: python3 samples/reference/openai-chat.py samples/openai-chat.jsonl > samples/openai-chat.jsonl.expected
One sequence per choice (id, or id#index for index > 0); tokens = logprobs.content then
logprobs.refusal; logprobs null = no tokens. Alternatives = top_logprobs[].logprob.
"""
import json
import sys

from openai_choices import chat_choice_tokens
from reference_metrics import dump, figures

path = sys.argv[1] if len(sys.argv) > 1 else "samples/openai-chat.jsonl"
tokens, unscored = [], 0
with open(path, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        for kind, token in chat_choice_tokens(rec["id"], rec["choices"]):
            if kind == "unscored":
                unscored += 1
            else:
                tokens.append(token)

corpus = figures(tokens, unscored, top_k="always")
dump({"how": f"python3 samples/reference/openai-chat.py {path}", "corpus": corpus})
