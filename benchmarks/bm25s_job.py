"""The small job done with bm25s, as a Python user would write it: the reference for hardneg's.

Reads a BEIR folder, indexes title + text with bm25s (English stopwords, Snowball stemming),
retrieves a pool of 100 for every query of the split, keeps the 5 best-ranked documents that
are not gold as hard negatives, and writes one JSON line per (query, negative).

    python bm25s_job.py <beir folder> <split> <output.jsonl>
"""

import csv
import json
import sys

import bm25s
import Stemmer

POOL = 100
NEGATIVES = 5


def main(folder: str, split: str, output: str) -> None:
    ids, texts = [], []
    with open(f"{folder}/corpus.jsonl", encoding="utf-8") as corpus:
        for line in corpus:
            record = json.loads(line)
            ids.append(str(record["_id"]))
            texts.append(f"{record.get('title', '')} {record['text']}".strip())
    golds: dict[str, set[str]] = {}
    with open(f"{folder}/qrels/{split}.tsv", encoding="utf-8") as qrels:
        reader = csv.reader(qrels, delimiter="\t")
        next(reader)
        for query_id, doc_id, score in reader:
            if int(score) > 0:
                golds.setdefault(query_id, set()).add(doc_id)
    queries = []
    with open(f"{folder}/queries.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if str(record["_id"]) in golds:
                queries.append((str(record["_id"]), record["text"]))

    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    query_tokens = bm25s.tokenize([text for _, text in queries], stopwords="en", stemmer=stemmer, show_progress=False)
    results, scores = retriever.retrieve(query_tokens, k=POOL, show_progress=False)

    with open(output, "w", encoding="utf-8") as out:
        for (query_id, text), ranked, ranked_scores in zip(queries, results, scores):
            kept = 0
            for rank, (index, score) in enumerate(zip(ranked, ranked_scores), start=1):
                doc_id = ids[index]
                if doc_id in golds[query_id]:
                    continue
                row = {"query_id": query_id, "query": text, "hard_negative_id": doc_id, "rank": rank, "score": float(score)}
                out.write(json.dumps(row) + "\n")
                kept += 1
                if kept == NEGATIVES:
                    break


if __name__ == "__main__":
    main(*sys.argv[1:4])
