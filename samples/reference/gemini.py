"""Expected figures for samples/gemini.jsonl (Gemini / Vertex AI generateContent with responseLogprobs).

    python3 samples/reference/gemini.py samples/gemini.jsonl > samples/gemini.jsonl.expected

Each candidate is a sequence (responseId, #index for index > 0, else file:line); its tokens are
logprobsResult.chosenCandidates[*].logProbability (absent = 0: protobuf JSON omits defaults), all
completion; alternatives = topCandidates[i].candidates[*].logProbability. No bytes.
Check on the real line: fsum(chosen) / 50 = avgLogprobs to 8 digits (Gemini's float32 mean).
"""
import json
import sys

from reference_metrics import dump, figures

path = sys.argv[1]
tokens = []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        rec = json.loads(line)
        base = rec.get("responseId") or f"{path}:{n}"
        for pos, cand in enumerate(rec["candidates"]):
            index = cand.get("index", pos)
            seq = base if index == 0 else f"{base}#{index}"
            result = cand["logprobsResult"]
            top = result.get("topCandidates")
            for i, chosen in enumerate(result["chosenCandidates"]):
                alts = [a.get("logProbability", 0) for a in top[i]["candidates"]] if top else None
                tokens.append({"seq": seq, "segment": "completion", "logprob": chosen.get("logProbability", 0), "bytes": None, "alts": alts})

dump({"how": f"python3 samples/reference/gemini.py {path}", "corpus": figures(tokens, 0)})
