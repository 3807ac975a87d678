"""Expected figures for samples/openai-completion.jsonl (OpenAI legacy Completions responses).

Usage: python3 samples/reference/openai-completion.py samples/openai-completion.jsonl > samples/openai-completion.jsonl.expected
One sequence per choice (id, or id#index for index > 0); tokens = logprobs.token_logprobs, null
entries (the first token of an echoed prompt) are unscored; alternatives = the values of each
top_logprobs dict. Segment: prompt when usage.completion_tokens == 0 (echo with max_tokens 0: every
listed token is an echoed prompt token), completion otherwise (an echo with generated tokens
stays all completion).
"""
import json
import sys

from reference_metrics import dump, figures, segments

path = sys.argv[1] if len(sys.argv) > 1 else "samples/openai-completion.jsonl"
tokens, unscored = [], {"prompt": 0, "completion": 0}
with open(path, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        segment = "prompt" if (rec.get("usage") or {}).get("completion_tokens") == 0 else "completion"
        for pos, choice in enumerate(rec["choices"]):
            index = choice.get("index", pos)
            seq = rec["id"] if index == 0 else f'{rec["id"]}#{index}'
            lp = choice.get("logprobs")
            if lp is None:
                continue
            tops = lp.get("top_logprobs") or [None] * len(lp["token_logprobs"])
            for value, top in zip(lp["token_logprobs"], tops):
                if value is None:
                    unscored[segment] += 1
                    continue
                alts = [v for v in (top or {}).values() if v is not None]
                tokens.append({"seq": seq, "segment": segment, "logprob": value, "bytes": None, "alts": alts or None})

corpus = figures(tokens, sum(unscored.values()), top_k="always")
dump({"how": f"python3 samples/reference/openai-completion.py {path}", "corpus": corpus, "segments": segments(tokens, unscored)})
