"""Expected figures for samples/sglang.jsonl (SGLang /generate answers with return_logprob).

    python3 samples/reference/sglang.py samples/sglang.jsonl > samples/sglang.jsonl.expected

A line holds one answer or a JSON array of them (a batch request). Sequence = meta_info.id.
Prompt segment: meta_info.input_token_logprobs[*][0] (null = unscored); completion:
meta_info.output_token_logprobs[*][0]; alternatives = {input,output}_top_logprobs[i][*][0] where
the row is not null. No bytes. (A stream chunk with finish_reason null would be skipped: none here.)
"""
import json
import sys

from reference_metrics import dump, figures, segments

path = sys.argv[1]
tokens, unscored = [], {"prompt": 0, "completion": 0}
with open(path, encoding="utf-8") as f:
    for line in f:
        value = json.loads(line)
        for rec in value if isinstance(value, list) else [value]:
            meta = rec["meta_info"]
            for side, segment in (("input", "prompt"), ("output", "completion")):
                top = meta.get(f"{side}_top_logprobs")
                for i, (lp, _id, _text) in enumerate(meta.get(f"{side}_token_logprobs") or []):
                    if lp is None:
                        unscored[segment] += 1
                        continue
                    row = top[i] if top else None
                    alts = [a[0] for a in row] if row else None
                    tokens.append({"seq": meta["id"], "segment": segment, "logprob": lp, "bytes": None, "alts": alts})

doc = {"how": f"python3 samples/reference/sglang.py {path}", "corpus": figures(tokens, sum(unscored.values()))}
doc["segments"] = segments(tokens, unscored)
dump(doc)
